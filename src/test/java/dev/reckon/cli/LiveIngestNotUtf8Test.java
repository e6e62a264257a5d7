package dev.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reckon.source.sacct.SacctReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes that are not UTF-8 in live sacct output do not stop the window. A fake {@code sacct} on the PATH of a child
 * JVM ({@code reckon ingest slurm}) prints a window in which one job's name holds {@code 0xFF 0xFE} and another job's
 * User field holds {@code 0xFF}: the name is stored with U+FFFD and a warning says so, naming the line, field and job;
 * the other job alone is set aside, naming its field; the rest is stored and the mark moves on, and the next run
 * tries the set-aside job again. (The real Slurm 22.05 of the dev cluster prints such a name as {@code ??}, so this
 * needs a fake.)
 */
class LiveIngestNotUtf8Test {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static byte[] line(String id, byte[] name, byte[] user, String start, String end) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String d = "@D@";
        b.writeBytes((id + d + id + d).getBytes(StandardCharsets.UTF_8));
        b.writeBytes(name);
        b.writeBytes(d.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(user);
        b.writeBytes(String.join(d, "", "acct", "debug", "normal", "", "fake", "COMPLETED", "0:0", start, start, end,
                "600", "10", "1", "1G", "cpu=1,mem=1G,node=1", "1", "1", "cpu=1,mem=1G,node=1", "00:05:00", "", "", "",
                "", "", "", "n1", "", "").getBytes(StandardCharsets.UTF_8));
        b.write('\n');
        return b.toByteArray();
    }

    private Process reckon(String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dev.reckon.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("RECKON_LEDGER", dir.resolve("ledger.db").toString());
        pb.environment().put("RECKON_TZ", "UTC");
        pb.environment().put("PATH", dir.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
        return pb.start();
    }

    private String[] finish(Process p, String name) throws Exception {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), name + " did not end");
        String out = Files.readString(dir.resolve(name + ".out"));
        String err = Files.readString(dir.resolve(name + ".err"));
        assertEquals(0, p.exitValue(), name + "\n--- out\n" + out + "\n--- err\n" + err);
        return new String[]{out, err};
    }

    private static void script(Path p, String body) throws Exception {
        Files.writeString(p, body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aNameOfBytesNotUtf8IsStoredShownAndToldAndAUserOfThemSetsAsideOnlyItsJob() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
        LocalDateTime t = LocalDateTime.now(ZoneOffset.UTC).minusHours(2).truncatedTo(ChronoUnit.SECONDS);
        String s = t.format(f), e = t.plusSeconds(600).format(f);
        ByteArrayOutputStream tpl = new ByteArrayOutputStream();
        tpl.writeBytes((SacctReader.RECKON_FORMAT.replace(",", "@D@") + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] root = "root".getBytes(StandardCharsets.UTF_8);
        tpl.writeBytes(line("11", "fine".getBytes(StandardCharsets.UTF_8), root, s, e));
        tpl.writeBytes(line("12", new byte[]{'a', (byte) 0xff, (byte) 0xfe, 'b'}, root, s, e));
        tpl.writeBytes(line("13", "plain".getBytes(StandardCharsets.UTF_8), new byte[]{(byte) 0xff, 'x'}, s, e));
        tpl.writeBytes(line("14", "last".getBytes(StandardCharsets.UTF_8), root, s, e));
        Path window = dir.resolve("window.tpl");
        Files.write(window, tpl.toByteArray());
        // sacct: the template with the delimiter asked for; --jobs=ID: the header and that job's lines only
        script(bin.resolve("sacct"), "#!/bin/sh\nexport LC_ALL=C\nd='|'; job=''\nfor a; do case \"$a\" in "
                + "--delimiter=*) d=\"${a#--delimiter=}\";; --jobs=*) job=\"${a#--jobs=}\";; esac; done\n"
                + "if [ -z \"$job\" ]; then cat '" + window + "'; else { head -n 1 '" + window + "'; grep \"^$job[.@]\" '"
                + window + "'; }; fi | sed \"s#@D@#$d#g\"\n");
        script(bin.resolve("squeue"), "#!/bin/sh\nexit 0\n");

        String[] first = finish(reckon("first", "ingest", "slurm", "--cluster", "fake", "--since", "1d", "--json"), "first");
        JsonNode report = JSON.readTree(first[0]);
        assertEquals(3, report.get("read").asInt(), first[0] + first[1]);
        assertEquals(List.of("sacct:3: JobName: job 12: bytes that are not UTF-8 stored as U+FFFD"),
                JSON.convertValue(report.get("warnings"), List.class), first[0]);
        assertTrue(first[1].contains("reckon: job 13 set aside: sacct:4: field User: holds bytes that are not UTF-8: "
                + "not read"), first[1]);

        String[] jobs = finish(reckon("jobs", "jobs", "--json", "--since", "1d"), "jobs");
        List<String> names = new ArrayList<>();
        for (JsonNode j : JSON.readTree(jobs[0])) names.add(j.get("job_id").asText() + "=" + j.get("name").asText());
        assertEquals(List.of("11=fine", "12=a\uFFFD\uFFFDb", "14=last"), names, jobs[0]);

        // the mark moved on; the next run tries job 13 on its own, and it stays set aside with its reason
        String[] second = finish(reckon("second", "ingest", "slurm", "--cluster", "fake", "--json"), "second");
        assertTrue(second[1].contains("job 13 is still set aside") && second[1].contains("field User: holds bytes "
                + "that are not UTF-8"), second[1]);
        String[] text = finish(reckon("text", "ingest", "slurm", "--cluster", "fake", "--since", "1d"), "text");
        assertTrue(text[1].contains("reckon: warning: sacct:3: JobName: job 12: bytes that are not UTF-8 stored as "
                + "U+FFFD"), text[1]);
    }
}
