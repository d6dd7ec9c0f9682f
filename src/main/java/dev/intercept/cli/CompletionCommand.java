package dev.intercept.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/**
 * {@code completion}: a bash completion script for {@code intercept} (bin/intercept), from the
 * commands' own declarations; zsh loads it through bashcompinit.
 */
@Command(
    name = "completion",
    description = {
      "Print a bash/zsh completion script for 'intercept'.",
      "bash: source <(intercept completion)",
      "zsh:  autoload -U +X bashcompinit && bashcompinit && source <(intercept completion)"
    },
    footerHeading = "%nExit codes:%n",
    footer = {"  0  printed"})
final class CompletionCommand implements Callable<Integer>, ClientCommand.Offline {
  @Override
  public Integer call() {
    System.out.print(AutoComplete.bash("intercept", ClientCommand.commandLine()));
    return 0;
  }
}
