package dev.reckon.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reckon.model.AuditEntry;
import dev.reckon.model.Efficiency;
import dev.reckon.model.Job;
import dev.reckon.model.Metric;
import dev.reckon.model.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A ledger written by reckon 0.1.0 (the positional job documents, before they carried a version) reads the same with
 * this build: {@code ledger-v0.1.0.db} and, beside it, {@code ledger-v0.1.0.json}, every job (with its steps and
 * efficiency), metric, audit entry and mark as that version read them. The test opens a copy (migrations may run)
 * and compares every figure. A field a later reckon adds to {@link Job} or {@link Step} is absent from the dump:
 * it must read as unknown (null) from the old rows.
 *
 * <p>How the fixture was made, with reckon 0.1.0 (commit 5f2a301):
 * <pre>
 * RECKON_LEDGER=DIR/ledger-v0.1.0.db ./reckon ingest sacct --tz=UTC src/test/resources/sacct/slurm-22.05-parsable2.txt
 * RECKON_LEDGER=DIR/ledger-v0.1.0.db ./reckon ingest sacct --tz=UTC --cluster=legacy src/test/resources/sacct/slurm-17.11-parsable.txt
 * mvn -o -q test -Dtest=LedgerCompatibilityTest -Dreckon.ledger.fixture.dir=DIR
 * </pre>
 * The last step ({@link #writeFixture}) adds jobs of awkward values, metrics, audit entries and a mark, and writes the
 * dump. Regenerating the fixture with a later reckon would defeat its purpose; it refuses to overwrite a dump.
 */
class LedgerCompatibilityTest {

    static final String FIXTURE = "ledger-v0.1.0";
    static final String CHARTER = "vision";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @TempDir
    Path dir;

    @Test
    void aLedgerOfReckon010ReadsTheSameFigures() throws IOException {
        Path copy = dir.resolve("old.db");
        try (InputStream in = getClass().getResourceAsStream(FIXTURE + ".db")) {
            Objects.requireNonNull(in, FIXTURE + ".db missing");
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        }
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream(FIXTURE + ".json")) {
            expected = JSON.readTree(Objects.requireNonNull(in, FIXTURE + ".json missing"));
        }
        JsonNode actual;
        try (Ledger l = Ledger.open(copy.toString())) {
            actual = dump(l);
            // by id, one by one, as the commands read them
            for (JsonNode j : expected.get("jobs")) {
                Job one = l.job(j.get("jobId").asText(), j.get("cluster").asText()).orElseThrow();
                same("job " + j.get("jobId").asText(), j, job(one));
            }
        }
        assertTrue(expected.get("jobs").size() >= 17, "the fixture holds the jobs it was made with");
        assertEquals(expected.get("jobs").size(), actual.get("jobs").size(), "jobs");
        same("", expected, actual);
        // the same jobs stored again are unchanged (the content hash does not depend on the stored form's version),
        // and the old rows can be updated in place
        try (Ledger l = Ledger.open(copy.toString())) {
            List<Job> all = l.jobs(JobQuery.all().withSteps(true));
            assertEquals(new Ledger.IngestReport(all.size(), 0, 0, all.size()),
                    l.ingest("the same again", sink -> all.forEach(sink), Map.of()));
            Job old = l.job("1025", "tiny").orElseThrow();
            assertEquals("RUNNING", old.state());
            Ledger.IngestReport r = l.ingest("again", sink -> sink.accept(old), Map.of());
            assertEquals(1, r.read());
            Job done = new Job(old.cluster(), old.jobId(), old.jobIdRaw(), old.name(), old.user(), old.account(),
                    old.partition(), old.qos(), old.wckey(), old.comment(), "COMPLETED", "0:0", old.submit(),
                    old.start(), old.start().plusSeconds(60), 60L, old.timelimitS(), old.reqCpus(), old.reqMemBytes(),
                    old.allocCpus(), old.allocNodes(), old.allocMemBytes(), old.allocGpus(), old.totalCpuS(),
                    old.peakMemBytes(), old.nodeList(), old.steps());
            assertEquals(new Ledger.IngestReport(1, 0, 1, 0), l.ingest("later", sink -> sink.accept(done), Map.of()));
            assertEquals(done, l.job("1025", "tiny").orElseThrow());
        }
    }

    /**
     * Compares a dump of reckon 0.1.0 with this build's: every value the old dump holds must be equal; a key only the
     * new one has (a field added since) must be null.
     */
    private static void same(String where, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            assertTrue(actual.isObject(), where + ": not an object: " + actual);
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertTrue(actual.has(e.getKey()), where + "." + e.getKey() + " missing");
                same(where + "." + e.getKey(), e.getValue(), actual.get(e.getKey()));
            }
            for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!expected.has(k)) {
                    assertTrue(actual.get(k).isNull(), where + "." + k + ": a field new since the fixture was made "
                            + "reads " + actual.get(k) + " from an old row, not unknown");
                }
            }
        } else if (expected.isArray()) {
            assertTrue(actual.isArray(), where + ": not an array: " + actual);
            assertEquals(expected.size(), actual.size(), where + ": size");
            for (int i = 0; i < expected.size(); i++) same(where + "[" + i + "]", expected.get(i), actual.get(i));
        } else if (expected.isNumber()) {
            assertTrue(actual.isNumber(), where + ": " + actual);
            if (expected.isIntegralNumber()) {
                assertEquals(expected.bigIntegerValue(), actual.bigIntegerValue(), where);
            } else {
                assertEquals(expected.doubleValue(), actual.doubleValue(), where);  // exact, -0.0 apart from 0.0
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    // ------------------------------------------------------------------------------------------------ the dump

    /** Everything the ledger holds that a user can read back: jobs with steps, metrics, audit log, marks. */
    static ObjectNode dump(Ledger l) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ArrayNode jobs = root.putArray("jobs");
        l.forEachJob(JobQuery.all().withSteps(true), j -> jobs.add(job(j)));
        ArrayNode bare = root.putArray("jobsWithoutSteps");
        l.forEachJob(JobQuery.all(), j -> bare.add(job(j)));
        ArrayNode members = root.putArray("membersOf1002");
        for (Job j : l.members("1002", null)) members.add(j.jobId());
        ArrayNode metrics = root.putArray("metrics");
        for (Metric m : l.metrics(CHARTER)) metrics.add(record(m));
        ArrayNode audit = root.putArray("audit");
        for (AuditEntry e : l.auditLog(null, null, null)) audit.add(record(e));
        root.put("mark", l.mark("fixture.mark").orElse(null));
        root.put("earliestUnfinishedTiny", String.valueOf(l.earliestUnfinished("tiny").orElse(null)));
        return root;
    }

    /** Every field of the job by name, its steps likewise, and its derived figures. */
    static ObjectNode job(Job j) {
        ObjectNode n = record(j);
        n.set("efficiency", record(Efficiency.of(j)));
        n.put("state.kind", j.jobState().name());
        ArrayNode peaks = n.putArray("steps.peakMemBytes");
        for (Step s : j.steps()) peaks.add(s.peakMemBytes());
        return n;
    }

    private static ObjectNode record(Record r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            n.set(c.getName(), value(v));
        }
        return n;
    }

    private static JsonNode value(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) return f.nullNode();
        if (v instanceof String s) return f.textNode(s);
        if (v instanceof Instant t) return f.textNode(t.toString());
        if (v instanceof Long x) return f.numberNode(x);
        if (v instanceof Integer x) return f.numberNode(x);
        if (v instanceof Double x) return f.numberNode(x);
        if (v instanceof Boolean x) return f.booleanNode(x);
        if (v instanceof Record r) return record(r);
        if (v instanceof List<?> list) {
            ArrayNode a = f.arrayNode();
            for (Object o : list) a.add(value(o));
            return a;
        }
        throw new IllegalStateException("no dump for " + v.getClass());
    }

    // ------------------------------------------------------------------------------------- making the fixture

    /** Run once, with reckon 0.1.0, on a ledger the two sacct ingests above wrote: see the class comment. */
    @Test
    @EnabledIfSystemProperty(named = "reckon.ledger.fixture.dir", matches = ".+")
    void writeFixture() throws IOException {
        Path out = Path.of(System.getProperty("reckon.ledger.fixture.dir"));
        Path db = out.resolve(FIXTURE + ".db");
        Path dumpFile = out.resolve(FIXTURE + ".json");
        assertTrue(Files.isRegularFile(db), db + ": ingest the sacct files first");
        assertFalse(Files.exists(dumpFile), dumpFile + " exists: the fixture is made once, by reckon 0.1.0");
        Instant t = Instant.parse("2024-03-01T00:00:00Z");
        List<Job> awkward = new ArrayList<>();
        awkward.add(new Job("edge", "7001", null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, List.of()));
        awkward.add(new Job("edge", "7002_[1-3%1]", "7002", "we\"ird\\ name\n\ttab \u0001 é ✓ \uD83D\uDE80", "ünï",
                "acct,with,commas", "gpu|debug", "high", "wc:key", "a \"quoted\" comment\r\nsecond line", "PENDING",
                "0:0", t, null, null, 0L, 1L, 0, 0L, 0, 0, 0L, 0, 0.0, 0L, "", List.of()));
        awkward.add(new Job("edge", "7003+1", "7004", "big", "bob", "phys", "cpu", "normal", null, null,
                "OUT_OF_MEMORY", "0:125", Instant.ofEpochSecond(-86_400), Instant.ofEpochSecond(0),
                Instant.ofEpochSecond(4_102_444_800L), Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE,
                Long.MAX_VALUE, Integer.MIN_VALUE, -1, 1L << 62, 8, 1.0e-300, Long.MAX_VALUE, "gpu[001-128]",
                List.of(new Step("batch", "batch", "OUT_OF_MEMORY", "0:125", t, t.plusSeconds(1), 1L, 1, 2, 1,
                                0.1, 123_456_789_012L, null, 1L, "gpu001"),
                        new Step("0+1", null, null, null, null, null, null, null, null, null, null, null, null,
                                null, null),
                        new Step("extern", "ext \"x\"", "COMPLETED", "0:0", t, t, 0L, 0, 0, 0, -0.0, 0L, 0L, 0L,
                                "gpu[001-128]"),
                        new Step("1", "s", "FAILED", "1:0", t, t.plusSeconds(3), 3L, 16, 64, 2, 1.7976931348623157e308,
                                Long.MIN_VALUE, 5_000_000_000L, 7L, "n[1-2]"))));
        awkward.add(new Job("edge", "7005", "7005", "float", "carol", "chem", "cpu", null, null, null, "RUNNING",
                null, t.plusSeconds(10), t.plusSeconds(20), null, null, 3600L, 2, 1L << 30, 2, 1, 1L << 30, null,
                12.345678901234567, null, "n01", List.of()));
        try (Ledger l = Ledger.open(db.toString())) {
            l.ingest("fixture edge cases", sink -> awkward.forEach(sink), Map.of("fixture.mark", "2024-03-01T00:00:00"));
            l.recordMetrics(List.of(
                    new Metric(CHARTER, "loss", 1.25, t, null, null, "m.jsonl"),
                    new Metric(CHARTER, "val_accuracy", 0.9312345678901234, t.plusMillis(1500), "1020", "tiny", "env"),
                    new Metric(CHARTER, "loss", -3.0e-7, t.plusMillis(1500), "1020", "tiny", "command line")));
            l.audit(new AuditEntry(t, "root", "notify", "tiny", "1024", CHARTER, true, "mailed alice"));
            l.audit(new AuditEntry(t.plusMillis(1), "root", "dry-run", "tiny", "1025", null, false, "would cancel"));
            l.audit(new AuditEntry(t.plusMillis(2), "root", "sync", "tiny", null, null, true, ""));
            JSON.writeValue(dumpFile.toFile(), dump(l));
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); var st = c.createStatement()) {
            st.execute("VACUUM");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
