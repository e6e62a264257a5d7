package dev.reckon.act;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user name is handed to the mail command only when it is one plain argument, and always after {@code --}. */
class NoticeRecipientTest {
    @TempDir
    Path dir;

    private Notices recording(Path out) {
        // the way Channels runs --mail-command: through /bin/sh, the arguments as "$@"
        return new Notices(null, List.of("/bin/sh", "-c", "printf '%s\\n' \"$@\" > '" + out + "'; cat >/dev/null",
                "reckon-notice"));
    }

    @Test
    void aPlainUserIsPassedAfterDoubleDash() throws Exception {
        Path out = dir.resolve("args");
        String sent = recording(out).send("alice", "{}");
        assertEquals(List.of("--", "alice"), Files.readAllLines(out));
        assertTrue(sent.contains("mail to alice"), sent);
    }

    @Test
    void hostileRecipientsAreRefusedAndTheCommandNeverRuns() {
        for (String bad : List.of("-rf", "--help", "a b", "bob\r\nBcc: all@example.org", "x\u001b[2J", "tab\there", "",
                "nb\u00a0sp")) {
            Path out = dir.resolve("args");
            IOException e = assertThrows(IOException.class, () -> recording(out).send(bad, "{}"), bad);
            assertTrue(e.getMessage().contains("refused recipient"), e.getMessage());
            assertTrue(e.getMessage().contains("not sent"), e.getMessage());
            assertFalse(e.getMessage().chars().anyMatch(c -> c < 0x20), "the message shows no control: " + e.getMessage());
            assertFalse(Files.exists(out), "the mail command ran for " + bad);
        }
        assertNull(Notices.refusal("alice.smith"));
        assertNull(Notices.refusal("u123_x"));
    }
}
