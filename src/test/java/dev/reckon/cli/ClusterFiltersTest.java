package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ledger of two clusters (reckon and annex, the same job id 7 on both): every view filters by {@code --cluster}
 * and groups by cluster, and a charter that covers only annex claims, defends and counts only annex's jobs.
 */
class ClusterFiltersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WINDOW_START = "2026-11-01";

    @TempDir
    Path dir;
    Cli cli;

    @BeforeEach
    void twoClusters() throws Exception {
        cli = new Cli(dir);
        cli.env.put("RECKON_NOW", "2026-11-04T12:00:00Z");
        Path charters = Files.createDirectories(dir.resolve("charters"));
        cli.env.put("RECKON_CHARTERS", charters.toString());
        Files.writeString(charters.resolve("sim.yaml"), String.join("\n",
                "id: sim", "purpose: Run the simulations on the annex only.", "owner: alice",
                "clusters: [annex]",
                "budget: {cpu_hours: 10}", "window: {start: 2026-11-01, end: 2026-11-30}",
                "success: val_accuracy >= 0.9", "failure: loss > 2.5", ""));
        Path fixture = Path.of(getClass().getResource("/sacct/two-clusters.txt").toURI());
        Cli.Result r = cli.run("ingest", "sacct", fixture.toString());
        assertEquals(0, r.exit(), r.toString());
    }

    private JsonNode json(String... args) throws Exception {
        Cli.Result r = cli.run(args);
        assertEquals(0, r.exit(), r.toString());
        return JSON.readTree(r.out());
    }

    private static Set<String> field(JsonNode array, String key) {
        Set<String> out = new TreeSet<>();
        for (JsonNode n : array) out.add(n.get(key).asText());
        return out;
    }

    @Test
    void jobsShowsEachClustersJobsAndTheSameIdOnBoth() throws Exception {
        JsonNode all = json("jobs", "--json");
        assertEquals(4, all.size());
        List<String> sevens = new ArrayList<>();
        for (JsonNode j : all) if (j.get("job_id").asText().equals("7")) sevens.add(j.get("cluster").asText());
        assertEquals(Set.of("reckon", "annex"), Set.copyOf(sevens));

        JsonNode annex = json("jobs", "--json", "--cluster", "annex");
        assertEquals(2, annex.size());
        assertEquals(Set.of("annex"), field(annex, "cluster"));
        assertEquals(4, json("jobs", "--json", "-M", "reckon", "-M", "annex").size(), "repeatable");
        assertEquals(4, json("jobs", "--json", "--cluster", "reckon,annex").size(), "a comma list");
        assertEquals(0, json("jobs", "--json", "--cluster", "elsewhere").size());
    }

    @Test
    void aNameNoClusterCouldHaveIsABadRequest() {
        Cli.Result r = cli.run("review", "--cluster", "a b", "--since", WINDOW_START);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--cluster"), r.err());
    }

    @Test
    void aCharterOfAnnexDefendsAnnexsJobAndNotTheSameJobOnReckon() throws Exception {
        JsonNode review = json("review", "--json", "--since", WINDOW_START);
        for (JsonNode j : review.get("jobs")) {
            if (!j.get("job_id").asText().equals("7")) continue;
            if (j.get("cluster").asText().equals("annex")) assertEquals("defended", j.get("class").asText(), j.toString());
            else assertTrue(j.get("charter").isNull(), "charter sim covers annex only: " + j);
        }
        JsonNode onlyAnnex = json("review", "--json", "--since", WINDOW_START, "--cluster", "annex");
        assertEquals(Set.of("annex"), field(onlyAnnex.get("jobs"), "cluster"));
        assertEquals(Set.of("annex"), field(onlyAnnex.get("kill_list"), "cluster"));
        JsonNode onlyReckon = json("review", "--json", "--since", WINDOW_START, "--cluster", "reckon");
        assertEquals(Set.of("reckon"), field(onlyReckon.get("jobs"), "cluster"));
    }

    @Test
    void aCharterOfAnnexCountsItsBudgetOnAnnexOnly() throws Exception {
        // job 7 on annex: 2 CPUs for 1 h; the same comment on reckon's job 7 (4 CPUs for 2 h) does not count
        JsonNode usage = json("usage", "--charter", "sim", "--json", "--since", WINDOW_START);
        assertEquals(1, usage.get("total").get("jobs").asLong(), usage.toString());
        assertEquals(2.0, usage.get("total").get("cpu_hours").asDouble(), 1e-9, usage.toString());
        JsonNode exits = json("exits", "--json");
        assertEquals(1, exits.size());
        assertEquals(2.0, exits.get(0).get("used").get("cpu_hours").asDouble(), 1e-9, exits.toString());
        assertEquals(0, json("exits", "--json", "--cluster", "reckon").size(), "sim does not cover reckon");
        assertEquals(1, json("exits", "--json", "--cluster", "annex").size());
        JsonNode shown = json("charter", "show", "sim", "--json");
        assertEquals("[\"annex\"]", shown.get("clusters").toString());
    }

    @Test
    void usageAndRightsizeGroupByClusterAndFilterByIt() throws Exception {
        JsonNode byCluster = json("usage", "--by", "cluster", "--json", "--since", WINDOW_START);
        assertEquals(Set.of("annex", "reckon"), field(byCluster.get("groups"), "name"));
        JsonNode annexUsers = json("usage", "--json", "--since", WINDOW_START, "--cluster", "annex");
        assertEquals(Set.of("alice", "bob"), field(annexUsers.get("groups"), "name"));
        JsonNode reckonUsers = json("usage", "--json", "--since", WINDOW_START, "--cluster", "reckon");
        assertEquals(Set.of("alice"), field(reckonUsers.get("groups"), "name"));

        JsonNode rightsize = json("rightsize", "--by", "cluster", "--json");
        assertEquals(Set.of("annex", "reckon"), field(rightsize.get("groups"), "group"));
        JsonNode annexOnly = json("rightsize", "--by", "cluster", "--json", "--cluster", "annex");
        assertEquals(Set.of("annex"), field(annexOnly.get("groups"), "group"));
        assertEquals(0, cli.run("owners", "--cluster", "annex", "--since", WINDOW_START).exit());
    }
}
