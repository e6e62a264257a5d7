package dev.reckon.review;

import dev.reckon.model.Charter;
import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A charter whose success condition came true: what its jobs consume afterwards is overrun after victory. */
class ReviewAfterSuccessTest {
    @Test
    void jobsAfterTheSuccessAreHabitualAndTheirHoursOverrun() {
        Charter c = ReviewTest.active("llm", "alice");
        Instant won = ReviewTest.NOW.minus(Duration.ofHours(30));
        Job before = ReviewTest.job("1", "alice", "train", "COMPLETED", won.minus(Duration.ofHours(5)), 4, 1, "charter=llm");
        Job after = ReviewTest.job("2", "alice", "train", "COMPLETED", won.plus(Duration.ofHours(2)), 4, 1, "charter=llm");
        Review.Result r = Review.review(List.of(before, after), ReviewTest.SINCE, null, List.of(c), null, ReviewTest.NOW,
                Review.PERIOD, Map.of("llm", won));
        assertEquals(Review.JobClass.DEFENDED, ReviewTest.verdict(r, "1").jobClass());
        Review.JobVerdict v = ReviewTest.verdict(r, "2");
        assertEquals(Review.JobClass.HABITUAL, v.jobClass());
        assertEquals("charter llm succeeded at " + won + "; still consuming", v.reason());
        assertEquals(1, r.charters().get(0).overrunAfterSuccess().gpuHours(), 1e-9);
        assertEquals(4, r.charters().get(0).overrunAfterSuccess().cpuHours(), 1e-9);
        assertNull(Review.review(List.of(before), ReviewTest.SINCE, null, List.of(c), null, ReviewTest.NOW)
                .charters().get(0).overrunAfterSuccess());
    }
}
