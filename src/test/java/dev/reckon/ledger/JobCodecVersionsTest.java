package dev.reckon.ledger;

import dev.reckon.model.Job;
import dev.reckon.model.Step;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored form carries its version; every version this build knows reads back, a newer one is refused. */
class JobCodecVersionsTest {

    private static final Instant T = Instant.parse("2024-03-01T00:00:00Z");

    private static final Job JOB = new Job("c", "9_1", "10", "n", "u", "a", "p", "q", null, "x\"y", "FAILED", "1:0",
            T, T.plusSeconds(5), T.plusSeconds(65), 60L, 120L, 2, 1L << 30, 2, 1, 1L << 30, 1, 90.5, 1L << 29,
            "n01", List.of(new Step("batch", "batch", "FAILED", "1:0", T, T.plusSeconds(60), 60L, 1, 2, 1, 90.5,
            1L << 29, null, 1L << 28, "n01")));

    /** What reckon 0.1.0 stored for {@link #JOB}: no version element. */
    private static final String DOC_V0 = "[\"c\",\"9_1\",\"u\",\"a\",\"p\",\"FAILED\",1709251200,1709251265,\"10\","
            + "\"n\",\"q\",null,\"x\\\"y\",\"1:0\",1709251205,60,120,2,1073741824,2,1,1073741824,1,90.5,536870912,"
            + "\"n01\"]";
    private static final String STEPS_V0 = "[[\"batch\",\"batch\",\"FAILED\",\"1:0\",1709251200,1709251260,60,1,2,1,"
            + "90.5,536870912,null,268435456,\"n01\"]]";

    @Test
    void thisBuildWritesVersion1AndReadsItBack() {
        JobCodec.Encoded e = JobCodec.encode(JOB);
        assertEquals("[1," + DOC_V0.substring(1), e.doc());
        assertEquals("[1," + STEPS_V0.substring(1), e.steps());
        assertEquals(JOB, JobCodec.decode(e.doc(), e.steps()));
    }

    @Test
    void version0ReadsAsTheSameJob() {
        assertEquals(JOB, JobCodec.decode(DOC_V0, STEPS_V0));
    }

    @Test
    void theHashIsTheSameWhicheverVersionHoldsTheJob() {
        // The hash of the version-1 texts equals that of the version-0 texts reckon 0.1.0 stored in content_hash.
        JobCodec.Encoded e = JobCodec.encode(JOB);
        assertEquals(JobCodec.hash(DOC_V0, STEPS_V0), e.hash());
        assertEquals(JobCodec.hash(DOC_V0, null), JobCodec.hash(e.doc(), null));
        assertTrue(JobCodec.hash(DOC_V0, null) != e.hash());
        assertTrue(JobCodec.hash(DOC_V0.replace("FAILED", "FAILEd"), STEPS_V0) != e.hash());
    }

    @Test
    void fieldsAppendedByANewerReckonAreSkipped() {
        // after the fields this build knows (the last two: gpuUtil, gpuMemPeakBytes)
        String doc = "[1," + DOC_V0.substring(1, DOC_V0.length() - 1) + ",0.5,1024,\"later\",7,null,[1,[\"x\"]],-2.5e3]";
        String steps = "[1," + STEPS_V0.substring(1, STEPS_V0.length() - 2) + ",\"later\",[]]]";
        Job withGpu = new Job(JOB.cluster(), JOB.jobId(), JOB.jobIdRaw(), JOB.name(), JOB.user(), JOB.account(),
                JOB.partition(), JOB.qos(), JOB.wckey(), JOB.comment(), JOB.state(), JOB.exitCode(), JOB.submit(),
                JOB.start(), JOB.end(), JOB.elapsedS(), JOB.timelimitS(), JOB.reqCpus(), JOB.reqMemBytes(),
                JOB.allocCpus(), JOB.allocNodes(), JOB.allocMemBytes(), JOB.allocGpus(), JOB.totalCpuS(),
                JOB.peakMemBytes(), JOB.nodeList(), JOB.steps(), 0.5, 1024L);
        assertEquals(withGpu, JobCodec.decode(doc, steps));
    }

    @Test
    void gpuFiguresAreWrittenLastAndOnlyWhenKnown() {
        JobCodec.Encoded plain = JobCodec.encode(JOB);
        assertTrue(plain.doc().endsWith("\"" + JOB.nodeList() + "\"]") || JOB.nodeList() == null, plain.doc());
        Job util = new Job(JOB.cluster(), JOB.jobId(), JOB.jobIdRaw(), JOB.name(), JOB.user(), JOB.account(),
                JOB.partition(), JOB.qos(), JOB.wckey(), JOB.comment(), JOB.state(), JOB.exitCode(), JOB.submit(),
                JOB.start(), JOB.end(), JOB.elapsedS(), JOB.timelimitS(), JOB.reqCpus(), JOB.reqMemBytes(),
                JOB.allocCpus(), JOB.allocNodes(), JOB.allocMemBytes(), JOB.allocGpus(), JOB.totalCpuS(),
                JOB.peakMemBytes(), JOB.nodeList(), JOB.steps(), 0.25, null);
        Job mem = new Job(JOB.cluster(), JOB.jobId(), JOB.jobIdRaw(), JOB.name(), JOB.user(), JOB.account(),
                JOB.partition(), JOB.qos(), JOB.wckey(), JOB.comment(), JOB.state(), JOB.exitCode(), JOB.submit(),
                JOB.start(), JOB.end(), JOB.elapsedS(), JOB.timelimitS(), JOB.reqCpus(), JOB.reqMemBytes(),
                JOB.allocCpus(), JOB.allocNodes(), JOB.allocMemBytes(), JOB.allocGpus(), JOB.totalCpuS(),
                JOB.peakMemBytes(), JOB.nodeList(), JOB.steps(), null, 1L << 33);
        String u = JobCodec.encode(util).doc();
        String m = JobCodec.encode(mem).doc();
        assertTrue(u.endsWith(",0.25]"), u);
        assertTrue(m.endsWith(",null,8589934592]"), m);
        assertEquals(util, JobCodec.decode(u, JobCodec.encodeSteps(JOB.steps())));
        assertEquals(mem, JobCodec.decode(m, JobCodec.encodeSteps(JOB.steps())));
        assertTrue(JobCodec.encode(util).hash() != plain.hash());
    }

    @Test
    void aNewerVersionIsRefusedWithAPlainMessage() {
        LedgerException e = assertThrows(LedgerException.class,
                () -> JobCodec.decode("[2," + DOC_V0.substring(1), null));
        assertTrue(e.getMessage().contains("newer reckon"), e.getMessage());
        LedgerException s = assertThrows(LedgerException.class,
                () -> JobCodec.decode("[1," + DOC_V0.substring(1), "[7," + STEPS_V0.substring(1)));
        assertTrue(s.getMessage().contains("steps of job 9_1"), s.getMessage());
        assertTrue(s.getMessage().contains("newer reckon"), s.getMessage());
    }
}
