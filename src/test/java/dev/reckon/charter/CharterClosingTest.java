package dev.reckon.charter;

import dev.reckon.model.Charter;
import dev.reckon.core.InputError;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing a charter edits its file's status and history and keeps the rest of the text as it was. */
class CharterClosingTest {
    static final String HEAD = """
            # the fine-tuning effort, agreed 2026-02-20
            id: llm-ft
            purpose: Fine-tune the model on the support tickets.   # one sentence
            owner: alice
            budget: {gpu_hours: 100}
            window:
              start: 2026-03-01
              end: 2026-03-31
            success:
              - val_acc >= 0.9
            failure: [loss > 2.5 after 50 gpu_hours]
            on_exit: hold
            """;

    static final Charter.StatusChange CLOSED = new Charter.StatusChange(LocalDate.parse("2026-03-10"),
            Charter.Status.SUCCEEDED, "success exit closed by reckon: val_acc = 0.93");

    static Charter read(String text) {
        return CharterFile.parse("llm-ft.yaml", text, ZoneOffset.UTC).orThrow();
    }

    @Test
    void closingReplacesTheStatusAndAppendsToABlockHistoryKeepingTheRest() {
        String text = HEAD + "status: active   # reviewed weekly\nhistory:\n    - {date: 2026-03-01, status: active, note: approved}\n# end\n";
        String out = CharterFile.withStatus("llm-ft.yaml", text, Charter.Status.SUCCEEDED, CLOSED, ZoneOffset.UTC);
        assertTrue(out.startsWith(HEAD), out);
        assertTrue(out.contains("status: succeeded   # reviewed weekly\n"), out);
        assertTrue(out.contains("    - {date: 2026-03-01, status: active, note: approved}\n    - {date: 2026-03-10, status: succeeded, "), out);
        assertTrue(out.endsWith("# end\n"), out);
        Charter c = read(out);
        assertEquals(Charter.Status.SUCCEEDED, c.status());
        assertEquals(2, c.history().size());
        assertEquals(CLOSED, c.history().get(1));
        assertEquals(Charter.OnExit.HOLD, c.onExit());
    }

    @Test
    void aFileWithoutHistoryGetsOneAtItsEnd() {
        String out = CharterFile.withStatus("llm-ft.yaml", HEAD, Charter.Status.FAILED,
                new Charter.StatusChange(LocalDate.parse("2026-03-31"), Charter.Status.FAILED, null), ZoneOffset.UTC);
        assertEquals(HEAD + "history:\n  - {date: 2026-03-31, status: failed}\n", out);
        assertEquals(Charter.Status.FAILED, read(out).status());
    }

    @Test
    void aFlowHistoryBeforeTheStatusIsRewrittenAsABlock() {
        String text = HEAD + "history: [{date: 2026-03-01, status: active}]\nstatus: active\nreview_every: 7d\n";
        String out = CharterFile.withStatus("llm-ft.yaml", text, Charter.Status.SUCCEEDED, CLOSED, ZoneOffset.UTC);
        assertTrue(out.startsWith(HEAD), out);
        assertTrue(out.endsWith("status: succeeded\nreview_every: 7d\n"), out);
        Charter c = read(out);
        assertEquals(2, c.history().size());
        assertEquals(Charter.Status.SUCCEEDED, c.status());
    }

    @Test
    void windowsLineEndingsAreKept() {
        String text = (HEAD + "status: active\n").replace("\n", "\r\n");
        String out = CharterFile.withStatus("llm-ft.yaml", text, Charter.Status.SUCCEEDED, CLOSED, ZoneOffset.UTC);
        assertTrue(out.startsWith(HEAD.replace("\n", "\r\n")), out);
        assertTrue(out.contains("status: succeeded\r\n"), out);
        assertTrue(!out.replace("\r\n", "").contains("\n"), "no bare LF in " + out);
        assertEquals(Charter.Status.SUCCEEDED, read(out).status());
    }

    @Test
    void anInvalidFileIsNotEdited() {
        assertThrows(InputError.class, () -> CharterFile.withStatus("llm-ft.yaml", "id: llm-ft\n",
                Charter.Status.SUCCEEDED, CLOSED, ZoneOffset.UTC));
    }

    @Test
    void onExitIsReadAndABadOneIsAnErrorOnItsLine() {
        assertEquals(Charter.OnExit.HOLD, read(HEAD).onExit());
        assertEquals(Charter.OnExit.NOTIFY, read(HEAD.replace("on_exit: hold\n", "")).onExit());
        CharterFile.Result r = CharterFile.parse("llm-ft.yaml", HEAD.replace("on_exit: hold", "on_exit: kill"), ZoneOffset.UTC);
        assertEquals(1, r.errors().size());
        InputError e = r.errors().get(0);
        assertEquals(12, e.line());
        assertEquals("on_exit", e.field());
        assertTrue(e.getMessage().contains("use notify"), e.getMessage());
    }

    @Test
    void writtenChartersKeepTheirOnExit() {
        Charter c = read(HEAD);
        assertEquals(c, read(CharterFile.write(c, ZoneOffset.UTC)));
    }
}
