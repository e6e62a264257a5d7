package dev.reckon.sim;

import java.util.Arrays;

/** A binary min-heap of longs: the event queue, events packed as {@code time << 26 | job}. */
final class LongHeap {
    private long[] a = new long[1024];
    private int n;

    boolean isEmpty() {
        return n == 0;
    }

    long peek() {
        return a[0];
    }

    void push(long v) {
        if (n == a.length) a = Arrays.copyOf(a, n * 2);
        int i = n++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            long pv = a[p];
            if (pv <= v) break;
            a[i] = pv;
            i = p;
        }
        a[i] = v;
    }

    long pop() {
        long top = a[0];
        long v = a[--n];
        int i = 0;
        int half = n >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            long cv = a[c];
            int r = c + 1;
            if (r < n && a[r] < cv) {
                c = r;
                cv = a[r];
            }
            if (v <= cv) break;
            a[i] = cv;
            i = c;
        }
        if (n > 0) a[i] = v;
        return top;
    }
}
