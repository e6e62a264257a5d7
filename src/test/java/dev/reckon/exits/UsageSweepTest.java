package dev.reckon.exits;

import dev.reckon.model.Hours;
import dev.reckon.model.Job;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A charter's running total over time is kept in one sweep over its jobs' starts and ends (a charter of 40,000 jobs
 * took minutes when every job was summed at every moment): at every moment it equals the sum, job by job, of what
 * each held from the window's start until then.
 */
class UsageSweepTest {
    @Property(tries = 200)
    void theSweptTotalIsTheSumOfWhatEachJobHeld(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int n,
                                                @ForAll boolean windowStart) {
        Random rnd = new Random(seed);
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        Instant at = t0.plusSeconds(10 * 86_400);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant start = rnd.nextInt(8) == 0 ? null : t0.plusSeconds(rnd.nextInt(12 * 86_400) - 86_400);
            Instant end = start == null || rnd.nextInt(4) == 0 ? null : start.plusSeconds(rnd.nextInt(3 * 86_400));
            jobs.add(new Job("c", String.valueOf(i), null, "j", "u", "a", "p", null, null, null,
                    end == null ? "RUNNING" : "COMPLETED", "0:0", start, start, end, null, null, 1, null,
                    1 + rnd.nextInt(64), 1, (long) rnd.nextInt(1 << 20) << 12, rnd.nextInt(3), null, null, null, List.of()));
        }
        Instant from = windowStart ? t0.plusSeconds(86_400) : null;
        Usage u = new Usage(jobs, from, at);
        Instant[] ms = u.moments();
        for (int i = 0; i < ms.length; i++) {
            Hours naive = Hours.ZERO;
            for (Job j : jobs) {
                if (j.start() == null || j.start().isAfter(at)) continue;
                naive = naive.plus(Hours.held(j, from, ms[i]));
            }
            Hours swept = u.totalAt(i);
            assertEquals(naive.cpuHours(), swept.cpuHours(), 1e-6 * Math.max(1, naive.cpuHours()), "cpu at " + ms[i]);
            assertEquals(naive.gpuHours(), swept.gpuHours(), 1e-6 * Math.max(1, naive.gpuHours()), "gpu at " + ms[i]);
            assertEquals(naive.memGbHours(), swept.memGbHours(), 1e-6 * Math.max(1, naive.memGbHours()), "mem at " + ms[i]);
        }
    }
}
