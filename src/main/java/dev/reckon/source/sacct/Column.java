package dev.reckon.source.sacct;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The sacct fields this reader uses, and how sacct resolves the names given to {@code --format}. */
enum Column {
    JOB_ID("JobID"), JOB_ID_RAW("JobIDRaw"), JOB_NAME("JobName"), USER("User"), ACCOUNT("Account"),
    PARTITION("Partition"), QOS("QOS"), WCKEY("WCKey"), COMMENT("Comment"), CLUSTER("Cluster"), STATE("State"),
    EXIT_CODE("ExitCode"), SUBMIT("Submit"), START("Start"), END("End"), ELAPSED("Elapsed"),
    ELAPSED_RAW("ElapsedRaw"), TIMELIMIT("Timelimit"), TIMELIMIT_RAW("TimelimitRaw"), REQ_CPUS("ReqCPUS"),
    REQ_MEM("ReqMem"), REQ_TRES("ReqTRES"), ALLOC_CPUS("AllocCPUS"), NCPUS("NCPUS"), NNODES("NNodes"),
    ALLOC_NODES("AllocNodes"), ALLOC_TRES("AllocTRES"), ALLOC_GRES("AllocGRES"), REQ_GRES("ReqGRES"),
    TOTAL_CPU("TotalCPU"), USER_CPU("UserCPU"), SYSTEM_CPU("SystemCPU"), CPU_TIME_RAW("CPUTimeRAW"),
    NTASKS("NTasks"), MAX_RSS("MaxRSS"), AVE_RSS("AveRSS"), TRES_USAGE_IN_TOT("TRESUsageInTot"),
    TRES_USAGE_IN_MAX("TRESUsageInMax"), TRES_USAGE_IN_AVE("TRESUsageInAve"), ADMIN_COMMENT("AdminComment"),
    NODE_LIST("NodeList");

    /** The name as sacct prints it in its header. */
    final String sacctName;

    Column(String sacctName) {
        this.sacctName = sacctName;
    }

    /**
     * sacct's field table in its own order (src/sacct/sacct.c, plus AllocGRES/ReqGRES of Slurm before 21.08):
     * {@code --format} takes any case-insensitive prefix of a name and picks the first name in this order that
     * starts with it.
     */
    static final List<String> SACCT_FIELDS = List.of(
            "Account", "AdminComment", "AllocCPUS", "AllocGRES", "AllocNodes", "AllocTRES", "AssocID", "AveCPU",
            "AveCPUFreq", "AveDiskRead", "AveDiskWrite", "AvePages", "AveRSS", "AveVMSize", "BlockID", "Cluster",
            "Comment", "Constraints", "ConsumedEnergy", "ConsumedEnergyRaw", "Container", "CPUTime", "CPUTimeRAW",
            "DBIndex", "DerivedExitCode", "Elapsed", "ElapsedRaw", "Eligible", "End", "ExitCode", "Extra",
            "FailedNode", "Flags", "GID", "Group", "JobID", "JobIDRaw", "JobName", "Layout", "Licenses",
            "MaxDiskRead", "MaxDiskReadNode", "MaxDiskReadTask", "MaxDiskWrite", "MaxDiskWriteNode",
            "MaxDiskWriteTask", "MaxPages", "MaxPagesNode", "MaxPagesTask", "MaxRSS", "MaxRSSNode", "MaxRSSTask",
            "MaxVMSize", "MaxVMSizeNode", "MaxVMSizeTask", "McsLabel", "MinCPU", "MinCPUNode", "MinCPUTask",
            "NCPUS", "NNodes", "NodeList", "NTasks", "Partition", "Planned", "PlannedCPU", "PlannedCPURAW",
            "Priority", "QOS", "QOSRAW", "QOSREQ", "Reason", "ReqCPUFreq", "ReqCPUFreqGov", "ReqCPUFreqMax",
            "ReqCPUFreqMin", "ReqCPUS", "ReqGRES", "ReqMem", "ReqNodes", "ReqTRES", "Reservation", "ReservationId",
            "Restarts", "SegmentSize", "SLUID", "Start", "State", "StdErr", "StdIn", "StdOut", "Submit",
            "SubmitLine", "Suspended", "SystemComment", "SystemCPU", "Timelimit", "TimelimitRaw", "TotalCPU",
            "TRESUsageInAve", "TRESUsageInMax", "TRESUsageInMaxNode", "TRESUsageInMaxTask", "TRESUsageInMin",
            "TRESUsageInMinNode", "TRESUsageInMinTask", "TRESUsageInTot", "TRESUsageOutAve", "TRESUsageOutMax",
            "TRESUsageOutMaxNode", "TRESUsageOutMaxTask", "TRESUsageOutMin", "TRESUsageOutMinNode",
            "TRESUsageOutMinTask", "TRESUsageOutTot", "UID", "User", "UserCPU", "WCKey", "WCKeyID", "WorkDir");

    private static final Map<String, Column> BY_NAME = new HashMap<>();

    static {
        for (Column c : values()) BY_NAME.put(c.sacctName.toLowerCase(Locale.ROOT), c);
    }

    /** The column a header names (exact name, any case), or {@code null} for a field this reader does not use. */
    static Column ofHeader(String name) {
        return BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * The full sacct field name a {@code --format} entry resolves to, as sacct resolves it (first field in its
     * table order that starts with the entry, any case); the entry itself when nothing matches.
     */
    static String resolveFormatName(String entry) {
        String e = entry.toLowerCase(Locale.ROOT);
        for (String f : SACCT_FIELDS) {
            if (f.toLowerCase(Locale.ROOT).startsWith(e)) return f;
        }
        return entry;
    }
}
