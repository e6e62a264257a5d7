package dev.reckon.sim;

import java.util.Arrays;

/** The queue of waiting jobs as a doubly linked list over job indices: O(1) append and removal from anywhere. */
final class JobQueue {
    private final int[] next;
    private final int[] prev;
    private int head = -1;
    private int tail = -1;
    private int size;

    JobQueue(int jobs) {
        next = new int[jobs];
        prev = new int[jobs];
    }

    int head() { return head; }
    int next(int j) { return next[j]; }
    int prev(int j) { return prev[j]; }
    int tail() { return tail; }
    int size() { return size; }
    boolean isEmpty() { return size == 0; }

    void append(int j) {
        next[j] = -1;
        prev[j] = tail;
        if (tail >= 0) next[tail] = j;
        else head = j;
        tail = j;
        size++;
    }

    /** Puts {@code j} right after {@code after} (-1: at the head). */
    void insertAfter(int j, int after) {
        if (after < 0) {
            prev[j] = -1;
            next[j] = head;
            if (head >= 0) prev[head] = j;
            else tail = j;
            head = j;
        } else {
            int nx = next[after];
            prev[j] = after;
            next[j] = nx;
            next[after] = j;
            if (nx >= 0) prev[nx] = j;
            else tail = j;
        }
        size++;
    }

    void remove(int j) {
        int p = prev[j], nx = next[j];
        if (p >= 0) next[p] = nx;
        else head = nx;
        if (nx >= 0) prev[nx] = p;
        else tail = p;
        size--;
    }

    /** The queued jobs, head first. */
    int[] toArray() {
        int[] a = new int[size];
        int k = 0;
        for (int j = head; j >= 0; j = next[j]) a[k++] = j;
        return a;
    }

    /** Replaces the order with {@code order} (the same jobs). */
    void reorder(int[] order) {
        head = tail = -1;
        size = 0;
        for (int j : order) append(j);
    }

    @Override
    public String toString() {
        return Arrays.toString(toArray());
    }
}
