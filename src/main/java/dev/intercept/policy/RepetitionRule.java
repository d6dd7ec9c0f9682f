package dev.intercept.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RE2's limit on counted repetition (parse.cc, RepetitionWalker with kMaxRepeat = 1000): a count
 * above 1000 is refused, and so is a counted repetition (min or max at least 2) inside which the
 * counts along some path multiply past 1000. RE2/J has no such rule and would expand {@code
 * ((a{100}){100}){100}} into a million copies, so this runs on the parse tree, before anything
 * expands. Linear: one pass computes each node's largest product of counts.
 */
final class RepetitionRule {
  static final int MAX_REPEAT = 1000;

  private RepetitionRule() {}

  /** The first repetition RE2 would refuse, in the order RE2 parses them, as RE2 writes it. */
  static Optional<String> firstRefused(Re2jParser.Node root) {
    List<String> refused = new ArrayList<>(1);
    product(root, refused);
    return refused.stream().findFirst();
  }

  /** The largest product of counts on a path down from n, capped just past the limit. */
  private static int product(Re2jParser.Node n, List<String> refused) {
    int below = 1;
    for (Re2jParser.Node sub : n.subs()) {
      below = Math.max(below, product(sub, refused));
    }
    if (!n.op().equals("REPEAT")) {
      return below;
    }
    int m = n.max() < 0 ? n.min() : n.max();
    int total = (int) Math.min((long) below * Math.max(m, 1), MAX_REPEAT + 1);
    if ((n.min() >= 2 || n.max() >= 2) && total > MAX_REPEAT && refused.isEmpty()) {
      refused.add(operator(n));
    }
    return total;
  }

  static String operator(Re2jParser.Node n) {
    if (n.max() == n.min()) {
      return "{" + n.min() + "}";
    }
    return "{" + n.min() + "," + (n.max() < 0 ? "" : n.max()) + "}";
  }
}
