package dev.intercept.cli;

import dev.intercept.protocol.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the manifest commands (install, inject, uninject) share: their input (a file, or - for
 * stdin), their output, their one-line refusals, and the version.
 */
final class ManifestInput {
  private static final int MAX_BYTES = 8 * 1024 * 1024;

  private ManifestInput() {}

  /** What a manifest command prints: the text (stdout), and notes for the user (stderr). */
  record Output(String text, List<String> notes) {}

  /** Runs a manifest command: its text to out, exactly; notes and a refusal one line each. */
  static int run(CommandSpec spec, Supplier<Output> command) {
    String prefix = "intercept " + spec.name() + ": ";
    PrintWriter err = spec.commandLine().getErr();
    Output o;
    try {
      o = command.get();
    } catch (InvalidInputException e) {
      err.println(prefix + e.getMessage());
      err.flush();
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(o.text());
    out.flush();
    o.notes().forEach(n -> err.println(prefix + n));
    err.flush();
    return 0;
  }

  /** The manifests, as UTF-8 text; a file that cannot be read is bad input. */
  static String read(String file, InputStream stdin) {
    byte[] bytes;
    try {
      if (file.equals("-")) {
        bytes = stdin.readNBytes(MAX_BYTES + 1);
      } else {
        Path p = Path.of(file);
        if (Files.size(p) > MAX_BYTES) {
          throw new InvalidInputException(file + " is larger than 8 MiB");
        }
        bytes = Files.readAllBytes(p);
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw new InvalidInputException("cannot read " + file + ": " + e.getMessage());
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidInputException("the input is larger than 8 MiB");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException((file.equals("-") ? "stdin" : file) + " is not UTF-8 text");
    }
  }

  /** Standard output as UTF-8 whatever the platform's charset: manifests are UTF-8. */
  static PrintWriter utf8Stdout() {
    return new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
  }

  /** "0.1.0": the jar's version, the image's tag. */
  static String version() {
    return Cli.VERSION.substring(Cli.VERSION.lastIndexOf(' ') + 1);
  }
}
