package dev.reckon.source.sacct;

import dev.reckon.core.HostileBytes;
import dev.reckon.core.InputError;
import dev.reckon.model.Job;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile bytes into the sacct reader (a real sacct dump changed: bytes not UTF-8, control characters, overflowing
 * numbers, runs of up to 200,000 characters, lines repeated or cut): jobs, or one InputError naming file and line in
 * at most 400 characters; never another exception. With set-aside on (live ingest), never an InputError for a line
 * that names its job.
 */
class SacctHostilePropertiesTest {
    private static final String FIXTURE = fixture();

    private static String fixture() {
        try (InputStream in = SacctHostilePropertiesTest.class.getResourceAsStream("/sacct/slurm-22.05-parsable2.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<List<HostileBytes.Mutation>> mutations() {
        return HostileBytes.mutations(8, 200_000);
    }

    private static SacctReader reader() {
        return new SacctReader(new SacctOptions("|", null, ZoneId.of("UTC"), "c"));
    }

    @Property(tries = 500)
    void hostileBytesGiveJobsOrALocatedError(@ForAll("mutations") List<HostileBytes.Mutation> m) throws IOException {
        byte[] bytes = HostileBytes.apply(FIXTURE, m);
        List<Job> jobs = new ArrayList<>();
        try {
            reader().read(SacctReader.strictUtf8(new ByteArrayInputStream(bytes)), "f.txt", jobs::add);
        } catch (InputError e) {
            HostileBytes.assertLocated(e, "f.txt");
            assertTrue(e.line() >= 1, e.getMessage());
        }
        for (Job j : jobs) {
            if (j.allocMemBytes() != null) assertTrue(j.allocMemBytes() >= 0, j.jobId());
            if (j.totalCpuS() != null) assertTrue(j.totalCpuS() >= 0 && Double.isFinite(j.totalCpuS()), j.jobId());
        }
    }

    /** What a read gives: the jobs, or the error's message. */
    private static Object outcome(byte[] bytes, boolean fromBytes) throws IOException {
        List<Job> jobs = new ArrayList<>();
        try {
            if (fromBytes) reader().read(new ByteArrayInputStream(bytes), "f.txt", jobs::add);
            else reader().read(SacctReader.strictUtf8(new ByteArrayInputStream(bytes)), "f.txt", jobs::add);
        } catch (InputError e) {
            return e.getMessage();
        }
        return jobs;
    }

    @Property(tries = 300)
    void aFileReadAsBytesGivesWhatItsCharactersGive(@ForAll("mutations") List<HostileBytes.Mutation> m)
            throws IOException {
        byte[] bytes = HostileBytes.apply(FIXTURE, m);
        org.junit.jupiter.api.Assertions.assertEquals(outcome(bytes, false), outcome(bytes, true));
    }

    @Property(tries = 300)
    void settingAsideEveryBadJobReadsTheRest(@ForAll("mutations") List<HostileBytes.Mutation> m) throws IOException {
        byte[] bytes = HostileBytes.apply(FIXTURE, m);
        List<SacctReader.SetAside> aside = new ArrayList<>();
        try {
            reader().read(SacctReader.strictUtf8(new ByteArrayInputStream(bytes)), "f.txt", j -> {}, aside::add);
        } catch (InputError e) {
            // only what stops any read: the header, bytes that are not UTF-8, a line over the limit
            HostileBytes.assertLocated(e, "f.txt");
        }
        for (SacctReader.SetAside a : aside) HostileBytes.assertLocated(a.error(), "f.txt");
    }
}
