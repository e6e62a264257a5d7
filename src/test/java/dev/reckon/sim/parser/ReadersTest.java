package dev.reckon.sim.parser;

import dev.reckon.sim.Machine;
import dev.reckon.sim.SimDefaults;
import dev.reckon.sim.SimResult;
import dev.reckon.sim.Simulator;
import dev.reckon.sim.Workload;
import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ReadersTest {
    /** The shared traces beside the project: {@code ../shared/data}, as in a checkout and in CI. */
    static final Path SHARED = Path.of(System.getProperty("user.dir")).resolve("../shared/data").normalize();

    static final String ONE_LINE = """
            NodeName=c1 Arch=x86_64 CoresPerSocket=8 CPUAlloc=0 CPUTot=16 CPULoad=0.01 AvailableFeatures=(null) \
            ActiveFeatures=(null) Gres=(null) NodeAddr=c1 NodeHostName=c1 Version=22.05.8 OS=Linux 6.1.0-18-amd64 #1 \
            SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) RealMemory=64000 AllocMem=0 FreeMem=60000 Sockets=2 \
            Boards=1 State=IDLE ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A Partitions=batch,debug
            NodeName=c2 Arch=x86_64 CPUTot=16 Gres=(null) RealMemory=64000 State=MIXED Partitions=batch,debug
            NodeName=g1 Arch=x86_64 CPUTot=32 Gres=gpu:a100:4(S:0-1) RealMemory=256000 State=IDLE Partitions=gpu
            """;

    static final String MULTI_LINE = """
            NodeName=c1 Arch=x86_64 CoresPerSocket=8
               CPUAlloc=0 CPUEfctv=16 CPUTot=16 CPULoad=0.01
               Gres=(null)
               OS=Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)
               RealMemory=64000 AllocMem=0 FreeMem=60000 Sockets=2 Boards=1
               Partitions=batch,debug

            NodeName=g1 Arch=x86_64
               CPUTot=32 Gres=gpu:4
               RealMemory=256000
               Partitions=gpu
            """;

    @Test
    void scontrolOneLineOutputGroupsNodesByShape() {
        Machine m = ScontrolNodes.parse(ONE_LINE, "nodes.txt");
        assertEquals(2, m.groups().size());
        Machine.Group c = m.groups().get(0);
        assertEquals(new Machine.Group("c[1-2]", 2, 16, 64000L << 20, 0, Set.of("batch", "debug")), c);
        assertEquals(new Machine.Group("g1", 1, 32, 256000L << 20, 4, Set.of("gpu")), m.groups().get(1));
    }

    @Test
    void scontrolMultiLineOutputReadsTheSame() {
        Machine m = ScontrolNodes.parse(MULTI_LINE, "nodes.txt");
        assertEquals(new Machine.Group("c1", 1, 16, 64000L << 20, 0, Set.of("batch", "debug")), m.groups().get(0));
        assertEquals(new Machine.Group("g1", 1, 32, 256000L << 20, 4, Set.of("gpu")), m.groups().get(1));
    }

    @Test
    void scontrolNodeWithoutCpusNamesTheLine() {
        InputError e = assertThrows(InputError.class,
                () -> ScontrolNodes.parse("NodeName=a CPUTot=4\nNodeName=b RealMemory=10\n", "n.txt"));
        assertEquals("n.txt:2: field CPUTot: missing", e.getMessage());
    }

    @Test
    void ownMachineFileReadsGroupsAndPartitions() throws IOException {
        Machine m = MachineFile.parse("# name nodes cores memory gpus partitions\ncpu 100 48 192G 0 batch,debug\n"
                + "gpu 4 64 512G 8 gpu\n", "m.txt");
        assertEquals(new Machine.Group("cpu", 100, 48, 192L << 30, 0, Set.of("batch", "debug")), m.groups().get(0));
        assertEquals(new Machine.Group("gpu", 4, 64, 512L << 30, 8, Set.of("gpu")), m.groups().get(1));
    }

    @Test
    void badMachineFileLinesNameFileLineAndField() {
        InputError e = assertThrows(InputError.class, () -> MachineFile.parse("cpu 100 48 192G\ncpu x 48 1G\n", "m.txt"));
        assertEquals("m.txt:2: field 2 (nodes): \"x\" is not a whole number of at least 0", e.getMessage());
        e = assertThrows(InputError.class, () -> MachineFile.parse("cpu 1 2\n", "m.txt"));
        assertTrue(e.getMessage().startsWith("m.txt:1: field 4 (memory): missing"), e.getMessage());
    }

    @Test
    void swfMachinesFileIsReadToo() throws IOException {
        Machine m = MachineFile.parse("1 seth 120 2 1.0 1048576\n", "x.machines");
        assertEquals(new Machine.Group("seth", 120, 2, 1L << 30, 0, Set.of()), m.groups().get(0));
    }

    @Test
    void swfJobsWithoutRuntimeAreDroppedAndMissingLimitsUseTheRuntime(@TempDir Path dir) throws IOException {
        Path t = dir.resolve("t.swf");
        Files.writeString(t, """
                ; MaxNodes: 4
                ; MaxProcs: 8
                1 0 5 100 2 -1 -1 2 200 -1 1 1 1 1 1 -1 -1 -1
                2 10 0 -1 2 -1 -1 2 200 -1 -1 1 1 1 1 -1 -1 -1
                3 20 0 50 1 -1 -1 1 -1 -1 1 2 1 1 1 -1 -1 -1
                4 30 0 500 1 -1 -1 1 100 -1 1 2 1 1 1 -1 -1 -1
                """);
        Load l = SwfWorkload.read(t);
        assertEquals(Machine.of(4, 2, 0, 0), l.machine());
        Workload w = l.workload();
        assertEquals(3, w.size());
        assertEquals("2", l.dropped().get(0).jobId());
        assertEquals("run time unknown", l.dropped().get(0).reason());
        assertEquals(50, w.limit(1));
        assertTrue(l.notes().contains("1 jobs have no requested time limit: their runtime stands in for it"));
        assertTrue(l.notes().contains("1 jobs ran longer than their limit: the simulation ends them at it"));
        SimResult r = Simulator.run(l.machine(), w, "easy", SimDefaults.load());
        assertEquals(130, r.end(2));
    }

    @Test
    void hpc2nSethReplaysUnderEveryPolicy() throws IOException {
        Path t = SHARED.resolve("hpc2n-seth-3170.swf");
        assumeTrue(Files.isRegularFile(t), "skipped: " + t + " is missing (the shared traces are not here)");
        Load l = SwfWorkload.read(t);
        assertEquals(Machine.of(120, 2, 1L << 30, 0).groups().get(0).totalCores(), l.machine().totalCores());
        assertEquals(25, l.dropped().size());
        assertEquals(3145, l.workload().size());
        for (String p : dev.reckon.sim.Policies.names()) {
            SimResult r = Simulator.run(l.machine(), l.workload(), p, SimDefaults.load());
            assertEquals(3145, r.metrics().jobs(), p);
            assertEquals(320, r.metrics().endedAtLimit(), p);
            assertTrue(r.metrics().utilisation() > 0 && r.metrics().utilisation() <= 1, p);
        }
    }

    @Test
    void syntheticWorkloadsAreTheSameForTheSameSeed() {
        Machine m = Machine.of(100, 8, 0, 0);
        Workload a = SyntheticWorkload.generate(500, m, SimDefaults.load());
        Workload b = SyntheticWorkload.generate(500, m, SimDefaults.load());
        for (int j = 0; j < 500; j++) {
            assertEquals(a.submit(j), b.submit(j));
            assertEquals(a.cores(j), b.cores(j));
            assertEquals(a.runtime(j), b.runtime(j));
            assertTrue(a.runtime(j) <= a.limit(j));
        }
    }
}
