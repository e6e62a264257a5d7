package dev.reckon.source;

import dev.reckon.core.SlurmSyntax;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Arrays;

/**
 * Slurm's local timestamps ({@code 2024-03-01T08:15:00}) read in one zone, fast: the epoch seconds of recently seen
 * hours are kept in a small direct-mapped table, so the many timestamps of a large sacct dump cost a few digit reads
 * instead of a look-up in the zone's rules. An hour is kept only when the zone's offset holds for all of it (no
 * daylight-saving change inside it); anything else goes through {@link SlurmSyntax#time}, which this always agrees
 * with, errors included. One instance per reader (not thread-safe).
 */
public final class LocalTimes {
    private static final int SLOTS = 1 << 12;
    private final ZoneId zone;
    private final ZoneRules rules;
    private final long[] keys = new long[SLOTS];
    private final long[] epochs = new long[SLOTS];

    public LocalTimes(ZoneId zone) {
        this.zone = zone;
        this.rules = zone.getRules();
        Arrays.fill(keys, -1);
    }

    /** As {@link SlurmSyntax#time(String, ZoneId)} in this zone. */
    public Instant parse(String s) {
        if (s == null || s.length() != 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || (s.charAt(10) != 'T' && s.charAt(10) != ' ')) {
            return SlurmSyntax.time(s, zone);
        }
        int y = digits(s, 0, 4);
        int mo = digits(s, 5, 7);
        int d = digits(s, 8, 10);
        int h = digits(s, 11, 13);
        int mi = digits(s, 14, 16);
        int se = digits(s, 17, 19);
        if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0
                || se > 59) {
            return SlurmSyntax.time(s, zone);
        }
        long key = ((y * 13L + mo) * 32 + d) * 24 + h;
        int slot = (int) (key ^ (key >>> 12)) & (SLOTS - 1);
        if (keys[slot] != key) {
            Instant t = SlurmSyntax.time(s, zone); // validates the date (30 February) and covers gaps and overlaps
            LocalDateTime start = LocalDateTime.of(y, mo, d, h, 0, 0);
            LocalDateTime last = start.plusSeconds(3599);
            ZoneOffset offset = rules.getOffset(start);
            if (rules.getTransition(start) == null && rules.getTransition(last) == null
                    && offset.equals(rules.getOffset(last))) {
                keys[slot] = key;
                epochs[slot] = start.toEpochSecond(offset);
            }
            return t;
        }
        return Instant.ofEpochSecond(epochs[slot] + mi * 60L + se);
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
