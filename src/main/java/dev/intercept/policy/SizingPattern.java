package dev.intercept.policy;

/**
 * The pattern as rewritten for sizing only (it is never matched): Unicode groups spelled out from
 * the JDK's tables (see UnicodeGroups), and an empty named group, a marker, at the start of every
 * alternative. RE2/J merges adjacent one-character alternatives while it parses ({@code a|a|b}
 * becomes {@code [ab]}); RE2 factors the original list instead ({@code a(?:|)|b}), which can cost
 * more. The markers keep RE2/J from merging, so RE2's factoring can be replayed on the real list;
 * Re2Dialect drops them again.
 */
record SizingPattern(String pattern, String markerPrefix, boolean hasUnicodeGroups) {

  static SizingPattern of(String regex) {
    String prefix = "zzSizingMarker";
    while (regex.contains(prefix)) {
      prefix += "_";
    }
    Scanner s = new Scanner(regex, prefix);
    s.run();
    return new SizingPattern(s.out.toString(), prefix, s.groups > 0);
  }

  boolean isMarker(String captureName) {
    return captureName != null && captureName.startsWith(markerPrefix);
  }

  private static final class Scanner {
    private final String regex;
    private final String prefix;
    private final StringBuilder out = new StringBuilder();
    private int markers;
    private int groups;
    private boolean inClass;
    private int i;

    Scanner(String regex, String prefix) {
      this.regex = regex;
      this.prefix = prefix;
    }

    void run() {
      marker();
      while (i < regex.length()) {
        char c = regex.charAt(i);
        if (c == '\\' && i + 1 < regex.length()) {
          escape(regex.charAt(i + 1));
        } else if (inClass) {
          classChar(c);
        } else if (c == '[') {
          openClass();
        } else if (c == '(') {
          openGroup();
        } else {
          out.append(c);
          i++;
          if (c == '|') {
            marker();
          }
        }
      }
    }

    private void bodyMarker() {
      if (i < regex.length() && regex.charAt(i) != ')') {
        marker();
      }
    }

    private void marker() {
      out.append("(?P<").append(prefix).append(markers++).append(">)");
    }

    private void escape(char e) {
      if (e == 'Q') {
        int end = regex.indexOf("\\E", i + 2);
        end = end < 0 ? regex.length() : end + 2;
        out.append(regex, i, end);
        i = end;
        return;
      }
      if (e == 'p' || e == 'P') {
        int next = UnicodeGroups.group(regex, i, e == 'P', inClass, out);
        if (next > 0) {
          i = next;
          groups++;
          return;
        }
      }
      out.append('\\').append(e);
      i += 2;
    }

    private void openClass() {
      inClass = true;
      out.append('[');
      i++;
      // a leading ^ and then a leading ] are part of the class, not its end
      if (i < regex.length() && regex.charAt(i) == '^') {
        out.append('^');
        i++;
      }
      if (i < regex.length() && regex.charAt(i) == ']') {
        out.append(']');
        i++;
      }
    }

    private void classChar(char c) {
      if (c == '[' && regex.startsWith("[:", i)) {
        int end = regex.indexOf(":]", i + 2);
        if (end > 0) {
          out.append(regex, i, end + 2);
          i = end + 2;
          return;
        }
      }
      inClass = c != ']';
      out.append(c);
      i++;
    }

    /**
     * A group's body starts an alternative, unless the group only sets flags, as (?i) does, or is
     * empty: RE2 keeps an empty group as an empty match, which a marker would hide.
     */
    private void openGroup() {
      if (!regex.startsWith("(?", i)) {
        out.append('(');
        i++;
        bodyMarker();
        return;
      }
      int j = i + 2;
      if (regex.startsWith("P<", j) || regex.startsWith("<", j)) {
        int close = regex.indexOf('>', j);
        if (close < 0) {
          out.append(regex.substring(i));
          i = regex.length();
          return;
        }
        out.append(regex, i, close + 1);
        i = close + 1;
        bodyMarker();
        return;
      }
      while (j < regex.length() && regex.charAt(j) != ':' && regex.charAt(j) != ')') {
        j++;
      }
      out.append(regex, i, Math.min(j + 1, regex.length()));
      i = Math.min(j + 1, regex.length());
      if (j < regex.length() && regex.charAt(j) == ':') {
        bodyMarker();
      }
    }
  }
}
