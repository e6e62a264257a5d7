package dev.reckon.source.sacct;

import dev.reckon.core.InputError;
import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live ingest's reading: a job a line of which does not read is set aside, the rest read. */
class SacctSetAsideTest {
    private static final String D = "^|^";
    private static final String HEAD = String.join(D, "JobID", "JobName", "State", "Start", "End", "ElapsedRaw",
            "AllocCPUS", "TotalCPU") + "\n";

    private static String line(String... f) {
        return String.join(D, f) + "\n";
    }

    /** A window of three jobs whose second's name holds the delimiter, its steps after it. */
    private static final String WINDOW = HEAD
            + line("1", "one", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00")
            + line("1.batch", "batch", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00")
            + line("2", "a^|^b", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00")
            + line("2.batch", "batch", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00")
            + line("2.0", "a^|^b", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00")
            + line("3", "three", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00");

    private static SacctReader reader() {
        return new SacctReader(new SacctOptions(D, null, ZoneOffset.UTC, "c"));
    }

    @Test
    void aJobWhoseNameHoldsTheDelimiterIsSetAsideAndTheRestIsRead() throws IOException {
        List<Job> jobs = new ArrayList<>();
        List<SacctReader.SetAside> aside = new ArrayList<>();
        reader().read(new StringReader(WINDOW), "sacct", jobs::add, aside::add);
        assertEquals(List.of("1", "3"), jobs.stream().map(Job::jobId).toList());
        assertEquals(1, jobs.get(0).steps().size());
        assertEquals(1, aside.size(), aside.toString());
        SacctReader.SetAside a = aside.get(0);
        assertEquals("2", a.jobId());
        assertTrue(a.split());
        assertEquals("sacct:4: expected 8 fields separated by \"^|^\", found 9", a.error().getMessage());
    }

    @Test
    void aDelimiterTooManyBeforeAnEmptyLastFieldIsNotTakenForParsablesTrailingOne() throws IOException {
        // --parsable2 header: a line ending in the delimiter has one too many, whatever its last field holds
        String text = HEAD
                + line("5", "x^|^y", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "");
        List<SacctReader.SetAside> aside = new ArrayList<>();
        List<Job> jobs = new ArrayList<>();
        reader().read(new StringReader(text), "sacct", jobs::add, aside::add);
        assertTrue(jobs.isEmpty(), jobs.toString());
        assertEquals("5", aside.get(0).jobId());
        assertTrue(aside.get(0).split());
        // --parsable: the header ends in the delimiter too, and so may every line
        String parsable = HEAD.replace("\n", D + "\n")
                + line("6", "y", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:10:00", "");
        jobs.clear();
        reader().read(new StringReader(parsable), "sacct", jobs::add);
        assertEquals("y", jobs.get(0).name());
    }

    @Test
    void withoutSettingAsideTheFirstBadLineStillStopsTheRead() {
        InputError e = assertThrows(InputError.class,
                () -> reader().read(new StringReader(WINDOW), "sacct", j -> {}));
        assertEquals("sacct:4: expected 8 fields separated by \"^|^\", found 9", e.getMessage());
    }

    @Test
    void aBadValueSetsItsJobAsideNamingTheField() throws IOException {
        String text = HEAD
                + line("1", "one", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00")
                + line("1.0", "s", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "99999999999999999999", "1", "00:30:00")
                + line("3", "three", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00");
        List<Job> jobs = new ArrayList<>();
        List<SacctReader.SetAside> aside = new ArrayList<>();
        reader().read(new StringReader(text), "sacct", jobs::add, aside::add);
        assertEquals(List.of("3"), jobs.stream().map(Job::jobId).toList());
        assertEquals("1", aside.get(0).jobId());
        assertFalse(aside.get(0).split());
        assertEquals("ElapsedRaw", aside.get(0).error().field());
        assertEquals(3, aside.get(0).error().line());
    }

    @Test
    void aLineThatNamesNoJobIsReportedWithoutAnId() throws IOException {
        List<Job> jobs = new ArrayList<>();
        List<SacctReader.SetAside> aside = new ArrayList<>();
        reader().read(new StringReader(HEAD + "b^|^COMPLETED\n"
                + line("3", "three", "COMPLETED", "2024-01-01T00:00:00", "2024-01-01T01:00:00", "3600", "1", "00:30:00")),
                "sacct", jobs::add, aside::add);
        assertEquals(List.of("3"), jobs.stream().map(Job::jobId).toList());
        assertNull(aside.get(0).jobId());
    }

    @Test
    void anotherDelimiterReadsTheSetAsideJob() throws IOException {
        String us = "\u001f";
        String text = WINDOW.replace(D, us).replace("a" + us + "b", "a^|^b");
        List<Job> jobs = new ArrayList<>();
        List<SacctReader.SetAside> aside = new ArrayList<>();
        new SacctReader(new SacctOptions(us, null, ZoneOffset.UTC, "c")).read(new StringReader(text), "sacct -j 2",
                jobs::add, aside::add);
        assertTrue(aside.isEmpty(), aside.toString());
        assertEquals("a^|^b", jobs.get(1).name());
        assertEquals(2, jobs.get(1).steps().size());
    }
}
