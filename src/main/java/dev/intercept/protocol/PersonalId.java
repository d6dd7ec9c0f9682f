package dev.intercept.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Personal intercepts ({@code intercept APP --personal}): the client adds a matcher on {@link
 * #HEADER} with a fresh, unguessable value, so the intercept takes only the requests its developer
 * tags. Such an intercept cannot take anyone else's traffic: it is exempt from the overlap rule,
 * and its route goes before the others so the tagged requests reach their developer.
 */
public final class PersonalId {
  public static final String HEADER = "x-intercept-id";
  private static final Pattern VALUE = Pattern.compile("[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private PersonalId() {}

  /** 128 random bits, as 32 hex digits (a regex that matches only itself). */
  public static String fresh() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** What others see instead of a personal id's value in lists. */
  public static final String HIDDEN = "(hidden: its owner's personal id)";

  /**
   * The matchers as someone other than their owner sees them: a personal id's value is left out (it
   * is what routes requests to its developer's laptop), everything else as registered.
   */
  public static List<Matcher> hidden(List<Matcher> matchers) {
    return matchers.stream()
        .map(
            m ->
                m.header().equals(HEADER) && VALUE.matcher(m.regex()).matches()
                    ? new Matcher(HEADER, HIDDEN)
                    : m)
        .toList();
  }

  /** True when the matchers include a personal id: {@link #HEADER} with one such literal value. */
  public static boolean in(List<Matcher> matchers) {
    return matchers.stream()
        .anyMatch(m -> m.header().equals(HEADER) && VALUE.matcher(m.regex()).matches());
  }
}
