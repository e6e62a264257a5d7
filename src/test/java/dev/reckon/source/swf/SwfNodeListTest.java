package dev.reckon.source.swf;

import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node list of an extended (MetaCentrum) SWF line is read in time linear in its length: the work is counted in
 * table probes, not measured in seconds (the bench measures speed).
 */
class SwfNodeListTest {

    /** {@code {n0,n1,...}}: {@code entries} entries, {@code distinct} of them different, repeating in turn. */
    private static String list(int entries, int distinct) {
        StringBuilder b = new StringBuilder(entries * 8).append('{');
        for (int i = 0; i < entries; i++) {
            if (i > 0) b.append(',');
            b.append(i % distinct);
        }
        return b.append('}').toString();
    }

    private static long probes(String list, int distinct) {
        long[] probes = {0};
        SwfReader.NodeList nl = SwfReader.nodeList(list, 0, list.length(), probes);
        assertEquals(distinct, nl.count());
        return probes[0];
    }

    @Test
    void twiceTheEntriesTakeAboutTwiceTheProbes() {
        for (int[] shape : new int[][]{{200_000, 200_000}, {200_000, 1_000}, {200_000, 1}}) {
            int n = shape[0];
            int distinct = shape[1];
            long small = probes(list(n, distinct), distinct);
            long large = probes(list(2 * n, Math.min(2 * n, distinct == n ? 2 * n : distinct)),
                    distinct == n ? 2 * n : distinct);
            // a table at most half full: a few probes per entry, whatever the size
            assertTrue(small <= 4L * n, "probes for " + n + " entries: " + small);
            assertTrue(large <= 3 * Math.max(small, n), small + " probes for " + n + ", " + large + " for " + 2 * n);
        }
    }

    @Test
    void theDistinctEntriesKeepTheirFirstSeenOrder() {
        SwfReader.NodeList nl = SwfReader.nodeList("{b,a,b,,c,a}", 0, 12, null);
        assertEquals(3, nl.count());
        assertEquals("b,a,c", nl.names());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS) // generous: the probe count above is the test of linearity
    void aLineOf200000NodesReadsWhole() throws IOException {
        String line = "1 1356996695 71 1164297 200000 1 1024 200000 1209600 1024 1 101 1 1 -1 1 1 1 "
                + list(200_000, 200_000) + " q_2w 1:ppn=12\n";
        List<Job> jobs = new ArrayList<>();
        new SwfReader("meta").read(new StringReader(line), "big.swf", jobs::add);
        assertEquals(200_000, jobs.get(0).allocNodes());
        assertTrue(jobs.get(0).nodeList().startsWith("0,1,2,"));
    }
}
