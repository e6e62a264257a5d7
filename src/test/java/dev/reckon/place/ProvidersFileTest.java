package dev.reckon.place;

import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The providers file: the example reads; every mistake is reported at once with its line and field. */
class ProvidersFileTest {
    @Test
    void theShippedExampleReadsAsFourProvidersInItsOrder() {
        ProvidersFile.Result r = ProvidersFile.read(Path.of("examples/place/providers.yaml"));
        assertTrue(r.ok(), r.errors().toString());
        List<Provider> ps = r.providers();
        assertEquals(List.of("reckon", "annex", "lab-k8s", "burst"), ps.stream().map(Provider::name).toList());
        Provider.Slurm reckon = (Provider.Slurm) ps.get(0);
        assertEquals("reckon", reckon.cluster());
        assertEquals("debug", reckon.partition());
        assertEquals("annex", ((Provider.Slurm) ps.get(1)).cluster());
        Provider.Kueue k = (Provider.Kueue) ps.get(2);
        assertEquals("team-a/user-queue", k.queue());
        assertEquals(3600, k.runtimeS());
        assertTrue(k.saved().toString().endsWith("examples/place/kueue.json"), "saved: is read beside the file: " + k.saved());
        Provider.Cloud c = (Provider.Cloud) ps.get(3);
        assertEquals(240, c.startupS());
        assertEquals(8, c.maxInstances());
        assertEquals(3, c.shapes().size());
        assertEquals(32L << 30, c.shapes().get(0).memBytes());
        assertEquals(1, c.shapes().get(2).gpus());
        assertEquals(1.21, c.shapes().get(2).pricePerHour(), 1e-9);
    }

    @Test
    void everyMistakeIsReportedWithItsLineAndField() {
        String text = String.join("\n",
                "providers:",                                         // 1
                "  - name: a",                                        // 2
                "    kind: slurm",                                    // 3
                "    partiton: debug",                                // 4: a typo
                "  - name: a",                                        // 5: a second a
                "    kind: cloud",                                    // 6
                "    startup: soon",                                  // 7
                "    max_instances: 4",                               // 8
                "    shapes:",                                        // 9
                "      - {name: s1, cpus: 0, mem: 8G, price_per_hour: 1}", // 10
                "  - name: k",                                        // 11
                "    kind: kueue",                                    // 12
                "    queue: NotAQueue",                               // 13
                "  - name: x",                                        // 14
                "    kind: lsf",                                      // 15
                "");
        ProvidersFile.Result r = ProvidersFile.parse("p.yaml", text, Path.of("."));
        assertTrue(r.providers().isEmpty(), "an invalid file gives no providers");
        List<String> msgs = r.errors().stream().map(InputError::getMessage).toList();
        assertHas(msgs, "p.yaml:4: field providers.a.partiton: unknown key; did you mean partition?");
        assertHas(msgs, "p.yaml:5: field providers.a.name: another provider is named a (line 2)");
        assertHas(msgs, "p.yaml:7: field providers.a.startup: \"soon\" is not a duration");
        assertHas(msgs, "p.yaml:10: field providers.a.shapes[1].cpus: 0 is out of range");
        assertHas(msgs, "p.yaml:13: field providers.k.queue: \"NotAQueue\" is not namespace/name");
        assertHas(msgs, "p.yaml:14: field providers.x.kind: \"lsf\" is not a kind of provider: one of slurm, kueue, cloud");
    }

    @Test
    void aFileWithoutProvidersOrWithATopLevelTypoSaysWhatIsMissing() {
        ProvidersFile.Result empty = ProvidersFile.parse("p.yaml", "", null);
        assertTrue(empty.errors().get(0).getMessage().startsWith("p.yaml:1: the file is empty"), empty.errors().toString());
        ProvidersFile.Result typo = ProvidersFile.parse("p.yaml", "provider:\n  - {name: a, kind: slurm}\n", null);
        List<String> msgs = typo.errors().stream().map(InputError::getMessage).toList();
        assertHas(msgs, "p.yaml:1: field provider: unknown key; did you mean providers?");
        assertHas(msgs, "providers: missing");
    }

    @Test
    void aCloudPoolNeedsItsShapesStartupAndCapAndAKueueProviderIsLiveOrSavedNotBoth() {
        String text = String.join("\n", "providers:",
                "  - {name: c, kind: cloud}",
                "  - {name: k, kind: kueue, queue: a/b, saved: x.json, context: lab}", "");
        List<String> msgs = ProvidersFile.parse("p.yaml", text, null).errors().stream().map(InputError::getMessage).toList();
        assertHas(msgs, "p.yaml:2: field providers.c.startup: missing");
        assertHas(msgs, "p.yaml:2: field providers.c.max_instances: missing");
        assertHas(msgs, "p.yaml:2: field providers.c.shapes: missing");
        assertHas(msgs, "p.yaml:3: field providers.k.context: a provider is read live (context:) or from a saved output");
    }

    private static void assertHas(List<String> msgs, String start) {
        assertTrue(msgs.stream().anyMatch(m -> m.startsWith(start) || m.contains(start)), "no \"" + start + "\" in " + msgs);
    }
}
