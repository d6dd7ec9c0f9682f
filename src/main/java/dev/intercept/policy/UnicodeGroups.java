package dev.intercept.policy;

import java.lang.Character.UnicodeScript;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spells out Unicode groups ({@code \pL}, {@code \p{Greek}}, {@code \P{Lu}}, {@code \p{^Nd}}) as
 * explicit ranges taken from the JDK's Unicode tables. RE2/J's own tables are several Unicode
 * versions older than RE2's (its \p{Lisu} has a third of the ranges), so its classes would compile
 * to fewer instructions than RE2's; the JDK's are close to RE2's (Unicode 13 against 14 to 15.1).
 * The rewritten pattern is only ever sized, never matched.
 */
final class UnicodeGroups {
  private static final Map<String, int[]> CACHE = new ConcurrentHashMap<>();

  /** RE2's general categories; like RE2 there is no Cn, and C leaves unassigned runes out. */
  private static final Set<String> CATEGORIES =
      Set.of(
          "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
          "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk",
          "Sm", "So", "Z", "Zl", "Zp", "Zs");

  private UnicodeGroups() {}

  /** Writes the group at i as ranges and returns the index after it, or -1 to leave it alone. */
  static int group(String regex, int i, boolean negated, boolean inClass, StringBuilder out) {
    int nameStart = i + 2;
    int end;
    String name;
    if (nameStart < regex.length() && regex.charAt(nameStart) == '{') {
      int close = regex.indexOf('}', nameStart);
      if (close < 0) {
        return -1;
      }
      name = regex.substring(nameStart + 1, close);
      end = close + 1;
    } else if (nameStart < regex.length()) {
      name = regex.substring(nameStart, nameStart + 1);
      end = nameStart + 1;
    } else {
      return -1;
    }
    if (name.startsWith("^")) {
      negated = !negated;
      name = name.substring(1);
    }
    int[] ranges = ranges(name);
    if (ranges == null) {
      return -1;
    }
    if (inClass) {
      appendRanges(out, negated ? RuneSet.complement(ranges) : ranges);
    } else {
      out.append(negated ? "[^" : "[");
      appendRanges(out, ranges);
      out.append(']');
    }
    return end;
  }

  private static void appendRanges(StringBuilder out, int[] ranges) {
    for (int k = 0; k < ranges.length; k += 2) {
      out.append("\\x{").append(Integer.toHexString(ranges[k])).append('}');
      if (ranges[k + 1] != ranges[k]) {
        out.append("-\\x{").append(Integer.toHexString(ranges[k + 1])).append('}');
      }
    }
  }

  /** The group's ranges from the JDK's tables, or null for a name it does not know. */
  private static int[] ranges(String name) {
    if (name.equals("Any")) {
      return new int[] {0, Re2Regexp.MAX_RUNE};
    }
    boolean category = CATEGORIES.contains(name);
    UnicodeScript script = null;
    if (!category) {
      try {
        script = UnicodeScript.forName(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    UnicodeScript s = script;
    return CACHE.computeIfAbsent(name, n -> collect(s, category ? n : null));
  }

  private static int[] collect(UnicodeScript script, String category) {
    RuneSet set = new RuneSet();
    int lo = -1;
    for (int r = 0; r <= Re2Regexp.MAX_RUNE + 1; r++) {
      boolean in =
          r <= Re2Regexp.MAX_RUNE
              && (script != null
                  ? UnicodeScript.of(r) == script
                  : category(r).startsWith(category) && !category(r).equals("Cn"));
      if (in && lo < 0) {
        lo = r;
      } else if (!in && lo >= 0) {
        set.add(lo, r - 1);
        lo = -1;
      }
    }
    return set.toRanges();
  }

  private static String category(int r) {
    return switch (Character.getType(r)) {
      case Character.UPPERCASE_LETTER -> "Lu";
      case Character.LOWERCASE_LETTER -> "Ll";
      case Character.TITLECASE_LETTER -> "Lt";
      case Character.MODIFIER_LETTER -> "Lm";
      case Character.OTHER_LETTER -> "Lo";
      case Character.NON_SPACING_MARK -> "Mn";
      case Character.ENCLOSING_MARK -> "Me";
      case Character.COMBINING_SPACING_MARK -> "Mc";
      case Character.DECIMAL_DIGIT_NUMBER -> "Nd";
      case Character.LETTER_NUMBER -> "Nl";
      case Character.OTHER_NUMBER -> "No";
      case Character.SPACE_SEPARATOR -> "Zs";
      case Character.LINE_SEPARATOR -> "Zl";
      case Character.PARAGRAPH_SEPARATOR -> "Zp";
      case Character.CONTROL -> "Cc";
      case Character.FORMAT -> "Cf";
      case Character.PRIVATE_USE -> "Co";
      case Character.SURROGATE -> "Cs";
      case Character.DASH_PUNCTUATION -> "Pd";
      case Character.START_PUNCTUATION -> "Ps";
      case Character.END_PUNCTUATION -> "Pe";
      case Character.CONNECTOR_PUNCTUATION -> "Pc";
      case Character.OTHER_PUNCTUATION -> "Po";
      case Character.MATH_SYMBOL -> "Sm";
      case Character.CURRENCY_SYMBOL -> "Sc";
      case Character.MODIFIER_SYMBOL -> "Sk";
      case Character.OTHER_SYMBOL -> "So";
      case Character.INITIAL_QUOTE_PUNCTUATION -> "Pi";
      case Character.FINAL_QUOTE_PUNCTUATION -> "Pf";
      default -> "Cn";
    };
  }
}
