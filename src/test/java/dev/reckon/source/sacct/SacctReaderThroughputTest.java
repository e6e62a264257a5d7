package dev.reckon.source.sacct;

import dev.reckon.model.Job;
import org.junit.jupiter.api.Test;

import java.io.CharArrayReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads a large generated dump held in memory (the 22.05 fixture's jobs repeated under fresh ids) and prints the
 * rate; it asserts only the job count, never the speed. Run alone with {@code mvn -q test -Dtest=SacctReaderThroughputTest}.
 */
class SacctReaderThroughputTest {

    @Test
    void readsALargeDumpInConstantMemoryAndReportsItsRate() throws IOException {
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream("/sacct/slurm-22.05-parsable2.txt")) {
            lines = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
        String header = lines.get(0);
        List<String> body = lines.subList(1, lines.size());
        int jobsPerCopy = (int) body.stream().filter(l -> l.substring(0, l.indexOf('|')).indexOf('.') < 0).count();
        int copies = Integer.getInteger("reckon.bench.copies", 6_000);
        long totalLines = (long) copies * body.size();
        StringBuilder text = new StringBuilder();
        char[] buf = new char[1 << 16];
        try (Reader r = new RepeatingReader(header, body, copies)) {
            for (int n; (n = r.read(buf, 0, buf.length)) > 0; ) text.append(buf, 0, n);
        }
        char[] dump = text.toString().toCharArray();
        SacctReader reader = new SacctReader(new SacctOptions("|", null, ZoneId.of("UTC"), null));
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            AtomicLong jobs = new AtomicLong();
            long t0 = System.nanoTime();
            reader.read(new CharArrayReader(dump), "bench", (Job j) -> jobs.incrementAndGet());
            long ns = System.nanoTime() - t0;
            best = Math.min(best, ns);
            assertEquals((long) copies * jobsPerCopy, jobs.get());
        }
        System.out.printf("sacct reader: %,d lines in %.0f ms = %,.0f lines/s (best of 5, one thread, input in memory)%n",
                totalLines, best / 1e6, totalLines / (best / 1e9));
    }

    /** The header, then the body over and over with job ids shifted by a million per copy; generated lazily. */
    static final class RepeatingReader extends Reader {
        private final List<String> body;
        private final int copies;
        private int copy = -1;
        private int line;
        private String chunk;
        private int pos;

        RepeatingReader(String header, List<String> body, int copies) {
            this.body = body;
            this.copies = copies;
            this.chunk = header + "\n";
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            while (chunk == null || pos >= chunk.length()) {
                if (!next()) return -1;
            }
            int n = Math.min(len, chunk.length() - pos);
            chunk.getChars(pos, pos + n, cbuf, off);
            pos += n;
            return n;
        }

        private boolean next() {
            if (copy < 0 || line >= body.size()) {
                copy++;
                line = 0;
                if (copy >= copies) return false;
            }
            String l = body.get(line++);
            // shift the leading job number: 1001... -> (copy * 1e6 + 1001)...
            int end = 0;
            while (end < l.length() && Character.isDigit(l.charAt(end))) end++;
            long id = Long.parseLong(l.substring(0, end)) + copy * 1_000_000L;
            chunk = id + l.substring(end) + "\n";
            pos = 0;
            return true;
        }

        @Override
        public void close() {
        }
    }
}
