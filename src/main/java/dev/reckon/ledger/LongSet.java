package dev.reckon.ledger;

/** A set of longs by open addressing, for remembering millions of hashes in a few bytes each. Not thread-safe. */
final class LongSet {
    private long[] slots = new long[1 << 12];
    private boolean hasZero;
    private int size;

    /** Adds the value; true if it was not there yet. */
    boolean add(long v) {
        if (v == 0) {
            if (hasZero) return false;
            hasZero = true;
            return true;
        }
        int mask = slots.length - 1;
        int i = (int) (v ^ (v >>> 32)) & mask;
        while (slots[i] != 0) {
            if (slots[i] == v) return false;
            i = (i + 1) & mask;
        }
        slots[i] = v;
        if (++size * 2 > slots.length) grow();
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long v : old) {
            if (v == 0) continue;
            int i = (int) (v ^ (v >>> 32)) & mask;
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = v;
        }
    }
}
