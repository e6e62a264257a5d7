package dev.reckon.core;

import dev.reckon.model.Tres;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlurmSyntaxTest {

    @Test
    void durationsInEverySlurmForm() {
        assertEquals(3723L, SlurmSyntax.durationSeconds("01:02:03"));
        assertEquals(93784L, SlurmSyntax.durationSeconds("1-02:03:04"));
        assertEquals(62L, SlurmSyntax.durationSeconds("01:02"));
        assertEquals(62L, SlurmSyntax.durationSeconds("01:02.345"));
        assertEquals(63L, SlurmSyntax.durationSeconds("01:02.500"));
        assertEquals(93600L, SlurmSyntax.durationSeconds("1-02"));
        assertEquals(93780L, SlurmSyntax.durationSeconds("1-02:03"));
        assertEquals(300L, SlurmSyntax.durationSeconds("5"));
        assertEquals(62.345, SlurmSyntax.durationSecondsExact("01:02.345"), 1e-12);
        assertEquals(3723.5, SlurmSyntax.durationSecondsExact("01:02:03.5"), 1e-12);
    }

    @Test
    void durationsWithoutALimitAreNull() {
        for (String s : new String[] {"", "UNLIMITED", "Partition_Limit", "INVALID", null}) {
            assertNull(SlurmSyntax.durationSeconds(s), s);
        }
    }

    @Test
    void badDurationsAreRefusedQuotingTheValue() {
        for (String s : new String[] {"1-2x:00", "-1", "1-", "::", "1:2:3:4", "1.5", "01:02.", "a", "1-02.5",
                "99999999999999999999", "999999999999999-00:00:00"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SlurmSyntax.durationSeconds(s), s);
            assertTrue(e.getMessage().contains("\"" + s + "\""), e.getMessage());
        }
    }

    @Test
    void sizesArePowersOf1024WithDefaultUnit() {
        assertEquals(1L << 30, SlurmSyntax.sizeBytes("1G", 'B'));
        assertEquals(1610612736L, SlurmSyntax.sizeBytes("1.50G", 'B'));
        assertEquals(0L, SlurmSyntax.sizeBytes("0", 'M'));
        assertEquals(4096L << 20, SlurmSyntax.sizeBytes("4096", 'M'));
        assertEquals(123L, SlurmSyntax.sizeBytes("123", 'B'));
        assertEquals(2000000L * 1024, SlurmSyntax.sizeBytes("2000000K", 'B'));
        assertEquals(1L << 50, SlurmSyntax.sizeBytes("1P", 'B'));
        assertNull(SlurmSyntax.sizeBytes("", 'B'));
    }

    @Test
    void badOrHugeSizesAreRefused() {
        for (String s : new String[] {"99999999999999999999G", "8E", "G", "1.2.3G", "12Q", "-1G", "1 G", "."}) {
            assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.sizeBytes(s, 'B'), s);
        }
    }

    @Test
    void reqMemPerNodePerCpuOrTotal() {
        SlurmSyntax.MemRequest n = SlurmSyntax.reqMem("4Gn");
        assertEquals(SlurmSyntax.MemPer.NODE, n.per());
        assertEquals(8L << 30, n.total(2, 16));
        SlurmSyntax.MemRequest c = SlurmSyntax.reqMem("2000Mc");
        assertEquals(SlurmSyntax.MemPer.CPU, c.per());
        assertEquals(8000L << 20, c.total(2, 4));
        SlurmSyntax.MemRequest t = SlurmSyntax.reqMem("16G");
        assertEquals(16L << 30, t.total(4, 64));
        assertEquals(100L << 20, SlurmSyntax.reqMem("100").bytes());
        assertNull(SlurmSyntax.reqMem(""));
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.reqMem("4Gx"));
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.reqMem("4000Pc").total(1, 100000));
    }

    @Test
    void tresCountsGpusOnceAndReadsMemoryInTheRightUnit() {
        Tres t = SlurmSyntax.tres("billing=8,cpu=6,mem=64G,node=1,gres/gpu=2,gres/gpu:a100=2", false);
        assertEquals(6.0, t.cpu());
        assertEquals(64L << 30, t.memBytes());
        assertEquals(2, t.gpus());
        assertEquals(1, t.nodes());
        assertEquals(8.0, t.billing());
        assertEquals("2", t.other().get("gres/gpu:a100"));
        assertEquals(3, SlurmSyntax.tres("cpu=1,gres/gpu:a100=1,gres/gpu:v100=2", false).gpus());
        assertNull(SlurmSyntax.tres("cpu=1,gres/gpumem=1G,gres/gpuutil=5", false).gpus());
        assertEquals(65536L << 20, SlurmSyntax.tres("mem=65536", false).memBytes()); // --noconvert: MiB
        Tres u = SlurmSyntax.tres("cpu=1-00:00:02,energy=0,mem=65536,vmem=1G", true); // usage: bytes, times
        assertEquals(65536L, u.memBytes());
        assertEquals(86402.0, u.cpu());
        assertNull(SlurmSyntax.tres("cpu=4,mem=NONE", false).memBytes());
        assertEquals(Tres.EMPTY, SlurmSyntax.tres("", false));
        for (String bad : new String[] {"cpu", "=4", "cpu=", "cpu=4,", "cpu=x", "gres/gpu=1.5", "mem=1Z"}) {
            assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.tres(bad, false), bad);
        }
    }

    @Test
    void timesInZoneEpochAndUnknown() {
        assertEquals(Instant.parse("2023-04-01T10:00:00Z"), SlurmSyntax.time("2023-04-01T12:00:00",
                ZoneId.of("Europe/Paris")));
        assertEquals(Instant.parse("2023-04-01T12:00:00Z"), SlurmSyntax.time("2023-04-01 12:00:00", ZoneId.of("UTC")));
        assertEquals(Instant.ofEpochSecond(1680350400L), SlurmSyntax.time("1680350400", ZoneId.of("UTC")));
        assertNull(SlurmSyntax.time("None", ZoneId.of("UTC")));
        assertNull(SlurmSyntax.time("Unknown", ZoneId.of("UTC")));
        assertNull(SlurmSyntax.time("", ZoneId.of("UTC")));
        for (String bad : new String[] {"2023-13-01T00:00:00", "2023-02-29T00:00:00", "2023-04-01T24:00:00",
                "2023-04-01", "Tue 12:00", "99999999999999999999"}) {
            assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.time(bad, ZoneId.of("UTC")), bad);
        }
    }

    @Test
    void exitCodes() {
        assertEquals("0:15", SlurmSyntax.exitCode("0:15"));
        assertNull(SlurmSyntax.exitCode(""));
        for (String bad : new String[] {"0", ":1", "1:", "a:b", "1:2:3"}) {
            assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.exitCode(bad), bad);
        }
    }

    @Test
    void arrayRangesCountTheirTasksAndTheirLimit() {
        assertEquals(new SlurmSyntax.ArrayRange(6, 0), SlurmSyntax.arrayRange("1-6"));
        assertEquals(new SlurmSyntax.ArrayRange(4, 2), SlurmSyntax.arrayRange("3-6%2"));
        assertEquals(new SlurmSyntax.ArrayRange(7, 0), SlurmSyntax.arrayRange("1,3,5-9:2,20-21"));
        assertEquals(new SlurmSyntax.ArrayRange(1, 0), SlurmSyntax.arrayRange("7"));
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.arrayRange("6-3"));
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.arrayRange("1-6%0"));
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.arrayRange("a-b"));
    }

    @Test
    void nodeNamesCompressAsAHostList() {
        assertEquals("n[1-2]", SlurmSyntax.hostlist(java.util.List.of("n1", "n2")));
        assertEquals("n[1-3,7],gpu01,login", SlurmSyntax.hostlist(java.util.List.of("n3", "n1", "n2", "n7", "gpu01", "login")));
        assertEquals("c[01-02,04]", SlurmSyntax.hostlist(java.util.List.of("c01", "c02", "c04")));
        assertEquals("n5", SlurmSyntax.hostlist(java.util.List.of("n5")));
    }

    @Test
    void aHostListExpandsToItsNodeNames() {
        assertEquals(java.util.List.of("n1", "n2", "n3", "n7", "gpu01", "login"),
                SlurmSyntax.hosts("n[1-3,7],gpu01,login", 100));
        assertEquals(java.util.List.of("c01", "c02", "c04"), SlurmSyntax.hosts("c[01-02,04]", 100));
        assertEquals(java.util.List.of("r1n1", "r1n2"), SlurmSyntax.hosts("r1n[1-2]", 100));
        for (java.util.List<String> names : java.util.List.of(java.util.List.of("n1", "n2", "n9"),
                java.util.List.of("c01", "c02", "c04", "login"), java.util.List.of("n5"))) {
            assertEquals(names, SlurmSyntax.hosts(SlurmSyntax.hostlist(names), 100), "round trip of " + names);
        }
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.hosts("n[1-3", 100));
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.hosts("n[3-1]", 100));
        assertThrows(IllegalArgumentException.class, () -> SlurmSyntax.hosts("n[1-1000]", 10));
    }
}
