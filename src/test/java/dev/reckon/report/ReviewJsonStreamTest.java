package dev.reckon.report;

import dev.reckon.core.Json;
import dev.reckon.model.Job;
import dev.reckon.review.Review;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code reckon review --json} writes a large window's jobs one by one (a million would not fit the heap as one JSON
 * tree), and what it writes is exactly the vocabulary's review JSON.
 */
class ReviewJsonStreamTest {
    @Test
    void theStreamedReviewIsTheSameJsonAsTheTree() {
        List<Job> jobs = new ArrayList<>();
        Instant t = Instant.parse("2026-11-02T08:00:00Z");
        for (int i = 0; i < 50; i++) {
            jobs.add(new Job("c", String.valueOf(100 + i), null, "train-" + i, "u" + (i % 3), "acct", "p", null, null,
                    null, i % 7 == 0 ? "RUNNING" : "COMPLETED", "0:0", t.plusSeconds(60L * i), t.plusSeconds(60L * i + 5),
                    i % 7 == 0 ? null : t.plusSeconds(60L * i + 3600), 3600L, 7200L, 4, 1L << 30, 4, 1, 1L << 30, 0,
                    3000.0, 1L << 29, "n1", List.of()));
        }
        Review.Result r = Review.review(jobs, t, t.plusSeconds(86_400 * 7), List.of(), null, t.plusSeconds(86_400));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonVocabulary.writeReview(r, out);
        String streamed = out.toString(StandardCharsets.UTF_8);
        assertEquals(Json.write(JsonVocabulary.review(r)) + "\n", streamed);
        assertTrue(streamed.contains("\"start_at\""), streamed);
        assertEquals(50, r.jobs().size());
    }
}
