package dev.intercept.protocol;

import java.util.Map;

/**
 * Every way a call to the proxy API can fail, as a type: the API answers each with its status and
 * code ({@code {"error": "...", "code": "..."}}), and the client turns an answer back into the same
 * type, so neither side matches message text. The message says what to fix.
 */
public abstract sealed class ApiFailure extends RuntimeException
    permits InvalidInputException,
        ApiFailure.Unauthenticated,
        ApiFailure.Forbidden,
        ApiFailure.NotFound,
        ApiFailure.Gone,
        ApiFailure.MethodNotAllowed,
        ApiFailure.NotOwner,
        ApiFailure.Overlap,
        ApiFailure.TooMany,
        ApiFailure.TooLarge,
        ApiFailure.RegistryBusy,
        ApiFailure.NoFreePort,
        ApiFailure.TooManyWaiters,
        ApiFailure.Unavailable,
        ApiFailure.TimedOut,
        ApiFailure.Refused,
        ApiFailure.Rejected {
  private final int status;
  private final String code;

  ApiFailure(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status the API answers this failure with. */
  public int status() {
    return status;
  }

  /** The failure's name in the API's error answers. */
  public String code() {
    return code;
  }

  /** Seconds after which a retry may succeed (the Retry-After header), or 0. */
  public int retryAfterSeconds() {
    return this instanceof RegistryBusy || this instanceof Unavailable ? 1 : 0;
  }

  /**
   * As {@link #fromAnswer(int, ErrorAnswer)}, keeping the answer's {@code Retry-After} (whole
   * seconds; null or unreadable: the type's default) where the failure carries one.
   */
  public static ApiFailure fromAnswer(int status, ErrorAnswer answer, String retryAfter) {
    ApiFailure f = fromAnswer(status, answer);
    if (f instanceof TooManyWaiters && retryAfter != null && retryAfter.matches("\\d{1,6}")) {
      return new TooManyWaiters(f.getMessage(), Integer.parseInt(retryAfter));
    }
    return f;
  }

  /** The failure an error answer stands for: by its code, else by its status. */
  public static ApiFailure fromAnswer(int status, ErrorAnswer answer) {
    String m = answer.error();
    return switch (answer.code() == null ? "" : answer.code()) {
      case "invalid" -> new InvalidInputException(m);
      case "unauthenticated" -> new Unauthenticated(m);
      case "forbidden" -> new Forbidden(m);
      case "not-found" -> new NotFound(m);
      case "gone" -> new Gone(m);
      case "method-not-allowed" -> new MethodNotAllowed(m);
      case "not-owner" -> new NotOwner(m);
      case "overlap" -> new Overlap(m, answer.witness());
      case "too-many" -> new TooMany(m);
      case "too-large" -> new TooLarge(m);
      case "registry-busy" -> new RegistryBusy(m);
      case "no-free-port" -> new NoFreePort(m);
      case "too-many-waiters" -> new TooManyWaiters(m);
      case "unavailable" -> new Unavailable(m);
      case "timed-out" -> new TimedOut(m);
      default ->
          switch (status) {
            case 400 -> new InvalidInputException(m);
            case 401 -> new Unauthenticated(m);
            case 403 -> new Forbidden(m);
            case 404 -> new NotFound(m);
            case 409 -> new Overlap(m, Map.of());
            case 429 -> new TooMany(m);
            default -> new Rejected(status, m);
          };
    };
  }

  // spotless:off: a table, one failure a line: its type, status and code
  /** No token, or one the proxy does not accept (answered with WWW-Authenticate: Bearer). */
  public static final class Unauthenticated extends ApiFailure { public Unauthenticated(String m) { super(401, "unauthenticated", m); } }
  /** Authenticated, but this caller may not do this (the message says why). */
  public static final class Forbidden extends ApiFailure { public Forbidden(String m) { super(403, "forbidden", m); } }
  /** No such intercept, app (no sidecar has polled) or endpoint. */
  public static final class NotFound extends ApiFailure { public NotFound(String m) { super(404, "not-found", m); } }
  /** The intercept was removed with {@code leave}: the client that ran it stops, not re-registers. */
  public static final class Gone extends ApiFailure { public Gone(String m) { super(410, "gone", m); } }
  /** A known path called with a method it does not take. */
  public static final class MethodNotAllowed extends ApiFailure { public MethodNotAllowed(String m) { super(405, "method-not-allowed", m); } }
  /** Registering, renewing, re-keying or deleting an intercept that another identity owns. */
  public static final class NotOwner extends ApiFailure { public NotOwner(String m) { super(403, "not-owner", m); } }
  /** Over the caller's share: too many intercepts (the message says the limit). */
  public static final class TooMany extends ApiFailure { public TooMany(String m) { super(429, "too-many", m); } }
  /** A request body over the API's limit. */
  public static final class TooLarge extends ApiFailure { public TooLarge(String m) { super(413, "too-large", m); } }
  /** The registry's lock could not be had in time (a busy or re-balancing cluster): retry. */
  public static final class RegistryBusy extends ApiFailure { public RegistryBusy(String m) { super(503, "registry-busy", m); } }
  /** Every forward port of the proxy is in use. */
  public static final class NoFreePort extends ApiFailure { public NoFreePort(String m) { super(503, "no-free-port", m); } }
  /** A service the proxy depends on (the Kubernetes API) did not answer: retry. */
  public static final class Unavailable extends ApiFailure { public Unavailable(String m) { super(503, "unavailable", m); } }
  /** The call got no answer in time. */
  public static final class TimedOut extends ApiFailure { public TimedOut(String m) { super(504, "timed-out", m); } }
  /** The proxy could not be reached: connection refused or reset, no route, unknown host. */
  public static final class Refused extends ApiFailure { public Refused(String m) { super(502, "refused", m); } }
  /** An error answer this client has no type for, or an answer it cannot read. */
  public static final class Rejected extends ApiFailure { public Rejected(int status, String m) { super(status, "rejected", m); } }
  // spotless:on

  /**
   * Too many route long-polls are held open on this proxy: retry after {@link #retryAfterSeconds}
   * (the proxy draws it at random, so refused sidecars come back spread out).
   */
  public static final class TooManyWaiters extends ApiFailure {
    private final int retryAfter;

    public TooManyWaiters(String m) {
      this(m, 1);
    }

    public TooManyWaiters(String m, int retryAfterSeconds) {
      super(503, "too-many-waiters", m);
      this.retryAfter = Math.max(1, retryAfterSeconds);
    }

    @Override
    public int retryAfterSeconds() {
      return retryAfter;
    }
  }

  /**
   * The intercept could take requests another owner's intercept takes: {@code witness} is one such
   * request, header by header (empty when it could not be analysed in time).
   */
  public static final class Overlap extends ApiFailure {
    private final Map<String, String> witness;

    public Overlap(String message, Map<String, String> witness) {
      super(409, "overlap", message);
      this.witness = Map.copyOf(witness);
    }

    public Map<String, String> witness() {
      return witness;
    }
  }
}
