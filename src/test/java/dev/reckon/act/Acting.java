package dev.reckon.act;

/** A {@link JobActions} for tests, made of three lambdas (recipient/cluster first, payload/job id second). */
final class Acting implements JobActions {
    @FunctionalInterface
    interface Call {
        String run(String first, String second) throws Exception;
    }

    private final Call notify;
    private final Call hold;
    private final Call cancel;

    private Acting(Call notify, Call hold, Call cancel) {
        this.notify = notify;
        this.hold = hold;
        this.cancel = cancel;
    }

    static Acting of(Call notify, Call hold, Call cancel) {
        Call none = (a, b) -> {
            throw new IllegalStateException("not expected in this test");
        };
        return new Acting(notify == null ? none : notify, hold == null ? none : hold, cancel == null ? none : cancel);
    }

    @Override
    public String notify(String recipient, String payload) throws Exception {
        return notify.run(recipient, payload);
    }

    @Override
    public String hold(String cluster, String jobId) throws Exception {
        return hold.run(cluster, jobId);
    }

    @Override
    public String cancel(String cluster, String jobId) throws Exception {
        return cancel.run(cluster, jobId);
    }
}
