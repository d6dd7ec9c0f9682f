package dev.intercept.policy;

import java.util.Random;

/** Random patterns over RE2's syntax, seeded so a failure can be replayed. */
final class RegexGenerator {
  private static final String[] ASCII_ATOMS = {
    "a",
    "b",
    "c",
    "x",
    "/",
    "-",
    "_",
    "0",
    "9",
    ".",
    "\\.",
    "\\d",
    "\\w",
    "\\s",
    "\\D",
    "[a-c]",
    "[^x]",
    "[0-9a-f]",
    "[[:alpha:]]",
    "[A-Za-z]",
    "[^/]",
    "\\b",
    "^",
    "$",
    "(?:)",
    "k",
    "s",
    "S",
    "[ab]",
    "[a-z0-9]",
    "\\x41",
    "[ -~]"
  };
  private static final String[] UNICODE_ATOMS = {
    "é",
    "Ω",
    "ω",
    "中",
    "🙂",
    "\\p{Greek}",
    "\\pN",
    "\\p{Lu}",
    "[é-ü]",
    "[^é]",
    "[α-ω]",
    "\\x{3A9}",
    "[\\x{80}-\\x{7FF}]",
    "ǅ",
    "ſ",
    "K"
  };
  private static final String[] REPEATS = {
    "*", "+", "?", "*?", "+?", "??", "{2}", "{3}", "{0,2}", "{1,3}", "{2,}", "{0}", "{1}", "{10}",
    "{5,7}", "{40}"
  };

  /** Small pieces, many alternatives: where RE2's factoring and merging decide the size. */
  private static final String[] DENSE_ATOMS = {
    "a", "b", "c", "ab", "abc", "(?:)", "[ab]", "[bc]", ".", "^", "$", "\\b", "(?s:.)", "\\n",
    "[^a]", "\\d", "x", "(?i:a)", "(?i:k)", "A", "\\x41", "}"
  };

  private final Random random;
  private final boolean unicode;
  private final String[] atoms;
  private final int alternationOdds;

  RegexGenerator(long seed, boolean unicode) {
    this(seed, unicode, ASCII_ATOMS, 4);
  }

  private RegexGenerator(long seed, boolean unicode, String[] atoms, int alternationOdds) {
    this.random = new Random(seed);
    this.unicode = unicode;
    this.atoms = atoms;
    this.alternationOdds = alternationOdds;
  }

  /** Patterns dense in alternation, of short ASCII pieces. */
  static RegexGenerator alternations(long seed) {
    return new RegexGenerator(seed, false, DENSE_ATOMS, 2);
  }

  String next() {
    String flags = random.nextInt(6) == 0 ? "(?i)" : random.nextInt(8) == 0 ? "(?s)" : "";
    return flags + alternation(3);
  }

  private String alternation(int depth) {
    StringBuilder out = new StringBuilder(concatenation(depth));
    int alternatives = random.nextInt(alternationOdds) == 0 ? 1 + random.nextInt(4) : 0;
    for (int i = 0; i < alternatives; i++) {
      out.append('|').append(concatenation(depth));
    }
    return out.toString();
  }

  private String concatenation(int depth) {
    StringBuilder out = new StringBuilder();
    int pieces = 1 + random.nextInt(4);
    for (int i = 0; i < pieces; i++) {
      out.append(piece(depth));
    }
    return out.toString();
  }

  private String piece(int depth) {
    String atom;
    int kind = random.nextInt(10);
    if (depth > 0 && kind < 3) {
      String open =
          switch (random.nextInt(3)) {
            case 0 -> "(";
            case 1 -> "(?:";
            default -> random.nextBoolean() ? "(?i:" : "(?U:";
          };
      atom = open + alternation(depth - 1) + ")";
    } else if (unicode && kind < 5) {
      atom = UNICODE_ATOMS[random.nextInt(UNICODE_ATOMS.length)];
    } else {
      atom = atoms[random.nextInt(atoms.length)];
    }
    if (random.nextInt(3) == 0) {
      atom += REPEATS[random.nextInt(REPEATS.length)];
    }
    return atom;
  }
}
