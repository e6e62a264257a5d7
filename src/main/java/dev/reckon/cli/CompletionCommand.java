package dev.reckon.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a bash/zsh completion script: {@code source <(reckon completion)}. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a shell-completion script for bash and zsh.",
                "Use: source <(reckon completion)   or save it under /etc/bash_completion.d/reckon"})
final class CompletionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(AutoComplete.bash("reckon", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
