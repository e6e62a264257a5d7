package dev.reckon.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.reckon.model.Job;
import dev.reckon.review.ConsumptionSummary.Bucket;
import dev.reckon.review.ConsumptionSummary.Result;
import dev.reckon.review.ConsumptionSummary.Share;
import dev.reckon.review.ConsumptionSummary.StateCount;
import dev.reckon.source.swf.SwfReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumptionSummaryTest {

    static final long GIB = 1024L * 1024 * 1024;
    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
    static final double EPS = 1e-9;

    static Job job(String id, String user, String account, String state, Long elapsed, Long limit, int cpus,
                   Double totalCpu, Long memBytes, Integer gpus, long submitOffset) {
        Instant submit = T0.plusSeconds(submitOffset);
        Instant start = submit.plusSeconds(60);
        Instant end = elapsed == null ? null : start.plusSeconds(elapsed);
        return new Job("c", id, id, "n", user, account, "p", null, null, null, state, "0:0", submit, start, end,
                elapsed, limit, cpus, memBytes, cpus, 1, memBytes, gpus, totalCpu, null, null, List.of());
    }

    static List<Job> handMade() {
        return List.of(
                job("1", "a", "x", "COMPLETED", 3600L, 7200L, 4, 7200.0, 8 * GIB, 1, 100),
                job("2", "b", "x", "FAILED", 1800L, 1800L, 2, null, null, null, 200),
                job("3", "a", "y", "TIMEOUT", 7200L, 3600L, 1, 7200.0, GIB, null, 300),
                job("4", null, null, "CANCELLED by 5", null, 600L, 8, null, null, null, 0),
                job("5", "b", "y", "COMPLETED", 360L, 36000L, 1, 180.0, null, null, 400));
    }

    static Result summarise(List<Job> jobs) {
        ConsumptionSummary.Builder b = ConsumptionSummary.builder();
        jobs.forEach(b);
        return b.build();
    }

    @Test
    void totalsAddAllocatedHours() {
        Result r = summarise(handMade());
        assertEquals(5, r.jobs());
        assertEquals(7.1, r.total().cpuHours(), EPS);
        assertEquals(1.0, r.total().gpuHours(), EPS);
        assertEquals(10.0, r.total().memGbHours(), EPS);
        assertEquals(3.6, r.total().elapsedHours(), EPS);
        assertEquals(4.05 / 6.1, r.total().cpuEff(), EPS);
        assertEquals(T0, r.first());
        assertEquals(T0.plusSeconds(300 + 60 + 7200), r.last());
    }

    @Test
    void timeLimitsAreSetAgainstWhatTheSameJobsRan() {
        Result r = summarise(handMade());
        // jobs 1, 2, 3 and 5 have a limit and an elapsed time: 4x2h + 2x0.5h + 1x1h + 1x10h held, 7.1 h run
        assertEquals(20.0, r.total().limitCpuHours(), EPS);
        assertEquals(7.1, r.total().limitedCpuHours(), EPS);
    }

    @Test
    void usersAreRankedByCpuHoursWithSharesAndWeightedEfficiency() {
        List<Share> u = summarise(handMade()).byUser();
        assertEquals(List.of("a", "b", ConsumptionSummary.UNKNOWN), u.stream().map(Share::name).toList());
        Share a = u.get(0);
        assertEquals(2, a.jobs());
        assertEquals(6.0, a.cpuHours(), EPS);
        assertEquals(1.0, a.gpuHours(), EPS);
        assertEquals(10.0, a.memGbHours(), EPS);
        assertEquals(6.0 / 7.1, a.cpuShare(), EPS);
        assertEquals(4.0 / 6.0, a.cpuEff(), EPS);
        Share b = u.get(1);
        assertEquals(1.1, b.cpuHours(), EPS);
        assertEquals(0.5, b.cpuEff(), EPS, "job 2's unknown efficiency is left out, not counted as zero");
        Share nobody = u.get(2);
        assertEquals(1, nobody.jobs());
        assertEquals(0.0, nobody.cpuHours(), EPS);
        assertEquals(0.0, nobody.cpuShare(), EPS);
        assertNull(nobody.cpuEff());
    }

    @Test
    void accountsAreRankedByCpuHours() {
        List<Share> acc = summarise(handMade()).byAccount();
        assertEquals(List.of("x", "y", ConsumptionSummary.UNKNOWN), acc.stream().map(Share::name).toList());
        assertEquals(5.0, acc.get(0).cpuHours(), EPS);
        assertEquals(0.5, acc.get(0).cpuEff(), EPS);
        assertEquals(2.1, acc.get(1).cpuHours(), EPS);
        assertEquals(2.05 / 2.1, acc.get(1).cpuEff(), EPS);
        double shares = acc.stream().mapToDouble(Share::cpuShare).sum();
        assertEquals(1.0, shares, EPS);
    }

    @Test
    void statesCountByFirstWord() {
        List<StateCount> s = summarise(handMade()).byState();
        assertEquals(List.of("COMPLETED", "CANCELLED", "FAILED", "TIMEOUT"), s.stream().map(StateCount::state).toList());
        assertEquals(2, s.get(0).jobs());
        assertEquals(4.1, s.get(0).cpuHours(), EPS);
        assertEquals(1.0, s.get(2).cpuHours(), EPS);
    }

    @Test
    void timeEfficiencyHistogramAndMedian() {
        Result r = summarise(handMade());
        assertEquals(List.of("0-10%", "10-25%", "25-50%", "50-75%", "75-100%", ">100%"),
                r.timeEfficiency().stream().map(Bucket::label).toList());
        assertEquals(List.of(1L, 0L, 0L, 1L, 1L, 1L), r.timeEfficiency().stream().map(Bucket::jobs).toList(),
                "0.01, 0.5 (lower edge of 50-75%), 1.0 (ran to its limit), 2.0 (over)");
        assertEquals(1, r.timeEfficiencyUnknown());
        assertEquals(0.75, r.timeEfficiencyMedian(), EPS, "median of 0.01, 0.5, 1.0, 2.0");
        assertNull(r.timeEfficiency().get(5).to());
        assertEquals(0.25, r.timeEfficiency().get(2).from(), EPS);
    }

    @Test
    void oddCountMedianIsTheMiddleValueRoundedDownToAThousandth() {
        List<Job> jobs = List.of(
                job("1", "a", "x", "COMPLETED", 100L, 1000L, 1, null, null, null, 0),
                job("2", "a", "x", "COMPLETED", 2345L, 10000L, 1, null, null, null, 0),
                job("3", "a", "x", "COMPLETED", 900L, 1000L, 1, null, null, null, 0));
        assertEquals(0.234, summarise(jobs).timeEfficiencyMedian(), EPS);
    }

    @Test
    void nothingFedGivesZerosAndNulls() {
        Result r = summarise(List.of());
        assertEquals(0, r.jobs());
        assertNull(r.first());
        assertNull(r.timeEfficiencyMedian());
        assertNull(r.total().cpuEff());
        assertTrue(r.byUser().isEmpty());
        assertEquals(6, r.timeEfficiency().size());
    }

    @Test
    void resultSerialisesAsSnakeCaseJsonWithIsoInstants() throws IOException {
        Result r = summarise(handMade());
        for (ObjectMapper m : List.of(new ObjectMapper(),
                new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE))) {
            JsonNode n = m.readTree(m.writeValueAsString(r));
            assertEquals("2024-03-01T00:00:00Z", n.get("first").asText());
            assertEquals(7.1, n.get("total").get("cpu_hours").asDouble(), EPS);
            assertEquals("a", n.get("by_user").get(0).get("name").asText());
            assertTrue(n.get("by_account").get(0).has("cpu_share"));
            assertTrue(n.get("by_state").get(0).has("cpu_hours"));
            assertEquals(0.75, n.get("time_efficiency_median").asDouble(), EPS);
            assertEquals(1, n.get("time_efficiency_unknown").asLong());
            assertTrue(n.get("total").has("mem_gb_hours"));
        }
    }

    @Test
    void demoTraceSummaryAddsUp() throws IOException {
        ConsumptionSummary.Builder b = ConsumptionSummary.builder();
        try (Reader in = new InputStreamReader(
                SwfReader.class.getResourceAsStream("/dev/reckon/demo/hpc2n-seth-3170.swf"),
                StandardCharsets.ISO_8859_1)) {
            new SwfReader(null).read(in, "hpc2n-seth-3170.swf", b);
        }
        Result r = b.build();
        assertEquals(3170, r.jobs());
        assertEquals(r.total().cpuHours(), r.byUser().stream().mapToDouble(Share::cpuHours).sum(), 1e-6);
        assertEquals(r.jobs(), r.byState().stream().mapToLong(StateCount::jobs).sum());
        long bucketed = r.timeEfficiency().stream().mapToLong(Bucket::jobs).sum();
        assertEquals(r.jobs(), bucketed + r.timeEfficiencyUnknown());
        assertEquals(320, r.timeEfficiency().get(5).jobs(), "runtime above requested time");
    }
}
