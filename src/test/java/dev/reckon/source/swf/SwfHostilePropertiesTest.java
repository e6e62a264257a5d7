package dev.reckon.source.swf;

import dev.reckon.core.HostileBytes;
import dev.reckon.core.InputError;
import dev.reckon.model.Job;
import dev.reckon.source.Inputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile bytes into the SWF reader, plain and extended (MetaCentrum) lines: jobs, or one InputError naming file
 * and line in at most 400 characters; never another exception.
 */
class SwfHostilePropertiesTest {
    private static final String TRACE = "; UnixStartTime: 1027839845\n; MaxNodes: 120\n; MaxProcs: 240\n"
            + "1 0 10 3600 4 3500.5 1024 4 7200 2048 1 7 3 2 1 1 -1 0\n"
            + "2 60 -1 120 1 -1 -1 1 600 -1 5 8 3 2 1 1 -1 0\n"
            + "3 1356996695 71 1164297 12 1 1024 12 1209600 91268055040 1 101 1 1 -1 1 1 1 {1129,1129,1130} q_2w 1:ppn=12\n"
            + "4 120 0 5 1 1 1024 1 600 1024 0 9 1 1 -1 1 1 1\n";

    @Provide
    Arbitrary<List<HostileBytes.Mutation>> mutations() {
        return HostileBytes.mutations(8, 200_000);
    }

    @Property(tries = 500)
    void hostileBytesGiveJobsOrALocatedError(@ForAll("mutations") List<HostileBytes.Mutation> m) throws IOException {
        byte[] bytes = HostileBytes.apply(TRACE, m);
        List<Job> jobs = new ArrayList<>();
        try {
            new SwfReader("t").read(Inputs.strictUtf8(new ByteArrayInputStream(bytes)), "t.swf", jobs::add);
        } catch (InputError e) {
            HostileBytes.assertLocated(e, "t.swf");
            assertTrue(e.line() >= 1, e.getMessage());
        }
        for (Job j : jobs) {
            if (j.allocMemBytes() != null) assertTrue(j.allocMemBytes() >= 0, j.jobId());
            if (j.allocNodes() != null) assertTrue(j.allocNodes() >= 0, j.jobId());
        }
    }
}
