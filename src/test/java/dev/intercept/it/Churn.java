package dev.intercept.it;

import dev.intercept.tunnel.Keepalive;
import dev.intercept.tunnel.TunnelClient;
import dev.intercept.tunnel.TunnelKeys;
import dev.intercept.tunnel.TunnelSshClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Intercepts added and removed about ten times a second (each a real registration and a real SSH
 * tunnel from this JVM's sshd-core client) while load generators send requests through the sidecar:
 * none may fail, unmatched ones always reach the pod, a permanent intercept's always the laptop.
 * Used by ChurnIT (short) and `make bench` (a minute).
 */
public final class Churn implements AutoCloseable {
  private final Roles roles = new Roles();
  private int api;
  private int sidecar;
  private int laptop;

  /** What a run counted. */
  public record Result(
      long requests,
      long failed,
      long wrongPlace,
      long churnToLaptop,
      long churnToPod,
      long added,
      long removed,
      Map<String, Long> failures) {}

  private SeedSetup seed;

  public void start() throws Exception {
    seed = SeedSetup.start(roles, 12);
    api = seed.api();
    laptop = seed.laptop();
    sidecar = seed.sidecar();
  }

  /**
   * An intercept with a live tunnel from this JVM; close() removes the tunnel, then the intercept.
   */
  final class Tunnel implements AutoCloseable {
    final String name;
    final TunnelClient client;

    Tunnel(String name, String header, String regex) throws Exception {
      this.name = name;
      KeyPair keys = TunnelKeys.generate();
      String body =
          new JsonObject()
              .put(
                  "matchers",
                  new JsonArray().add(new JsonObject().put("header", header).put("regex", regex)))
              .put("publicKey", TunnelKeys.toOpenSsh(keys.getPublic()))
              .encode();
      Http.Response r =
          Http.send(
              api,
              "PUT",
              "/api/v1/apps/myapp/intercepts/" + name,
              body.getBytes(),
              seed.auth("alice"));
      if (r.status() != 201) {
        throw new IllegalStateException("PUT " + name + ": " + r.status() + " " + r.body());
      }
      JsonObject reg = new JsonObject(r.body());
      client =
          new TunnelClient(
              TunnelSshClient.start(),
              new TunnelClient.Spec(
                  "127.0.0.1",
                  reg.getInteger("sshPort"),
                  reg.getString("sshUser"),
                  reg.getString("hostKey"),
                  reg.getInteger("port"),
                  "127.0.0.1",
                  laptop),
              keys,
              new Keepalive(Duration.ofSeconds(2), 3),
              new TunnelClient.Listener() {
                @Override
                public void up(String detail) {}

                @Override
                public void down(String reason) {}
              });
      client.start().get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      client.close();
      Http.send(api, "DELETE", "/api/v1/apps/myapp/intercepts/" + name, null, seed.auth("alice"));
    }
  }

  public Result run(long millis, int perSecond) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong requests = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong wrong = new AtomicLong();
    AtomicLong churnLaptop = new AtomicLong();
    AtomicLong churnPod = new AtomicLong();
    AtomicLong added = new AtomicLong();
    AtomicLong removed = new AtomicLong();
    Map<String, Long> failures = new ConcurrentHashMap<>();
    try (Tunnel stable = new Tunnel("stable", "x-dev", "stable")) {
      List<Thread> threads = new ArrayList<>();
      for (int g = 0; g < 2; g++) {
        threads.add(
            new Thread(
                () -> {
                  int i = 0;
                  while (!stop.get()) {
                    String kind =
                        switch (i++ % 3) {
                          case 0 -> "churn";
                          case 1 -> "stable";
                          default -> "plain";
                        };
                    String path = kind.equals("churn") ? "/churn/" + i : "/" + kind + "/" + i;
                    String[] headers =
                        kind.equals("stable") ? new String[] {"x-dev", "stable"} : new String[0];
                    requests.incrementAndGet();
                    try {
                      Http.Response r = Http.get(sidecar, path, headers);
                      String who = r.firstLine();
                      if (r.status() != 200) {
                        failed.incrementAndGet();
                        failures.merge(kind + ": " + r.status() + " " + who, 1L, Long::sum);
                      } else if (kind.equals("plain") && !who.contains("the-app-pod")
                          || kind.equals("stable") && !who.contains("container_on_laptop")) {
                        wrong.incrementAndGet();
                      } else if (kind.equals("churn")) {
                        (who.contains("container_on_laptop") ? churnLaptop : churnPod)
                            .incrementAndGet();
                      }
                    } catch (Exception e) {
                      failed.incrementAndGet();
                      failures.merge(e.toString(), 1L, Long::sum);
                    }
                  }
                },
                "load-" + g));
      }
      // churners: each keeps one intercept of its own coming and going
      int churners = Math.max(1, perSecond / 4);
      long cycleMs = 1000L * churners / Math.max(1, perSecond);
      for (int c = 0; c < churners; c++) {
        int id = c;
        threads.add(
            new Thread(
                () -> {
                  int n = 0;
                  while (!stop.get()) {
                    long t0 = System.currentTimeMillis();
                    try (Tunnel t =
                        new Tunnel("churn-" + id + "-" + (n++ % 2), ":path", "/churn/.*")) {
                      added.incrementAndGet();
                      Thread.sleep(Math.max(1, cycleMs / 2));
                    } catch (Exception e) {
                      failures.merge("churn: " + e.getMessage(), 1L, Long::sum);
                    }
                    removed.incrementAndGet();
                    long left = cycleMs - (System.currentTimeMillis() - t0);
                    if (left > 0) {
                      try {
                        Thread.sleep(left);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  }
                },
                "churn-" + c));
      }
      // the permanent intercept renews its lease like a client does
      threads.add(
          new Thread(
              () -> {
                while (!stop.get()) {
                  try {
                    Http.send(
                        api,
                        "POST",
                        "/api/v1/apps/myapp/intercepts/stable/renew",
                        new byte[0],
                        seed.auth("alice"));
                    Thread.sleep(1_000);
                  } catch (Exception e) {
                    return;
                  }
                }
              },
              "renew"));
      threads.forEach(Thread::start);
      Thread.sleep(millis);
      stop.set(true);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
    return new Result(
        requests.get(),
        failed.get(),
        wrong.get(),
        churnLaptop.get(),
        churnPod.get(),
        added.get(),
        removed.get(),
        failures);
  }

  @Override
  public void close() {
    roles.close();
  }

  /** `make bench`: a minute of churn. */
  public static void main(String[] args) throws Exception {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 60;
    try (Churn c = new Churn()) {
      c.start();
      Result r = c.run(seconds * 1000, 10);
      System.out.println(
          "| seconds | intercepts added / removed | requests | failed | sent to the wrong place "
              + "| churned path: laptop / pod |");
      System.out.println("| --- | --- | --- | --- | --- | --- |");
      System.out.printf(
          "| %d | %d / %d | %d | %d | %d | %d / %d |%n",
          seconds,
          r.added(),
          r.removed(),
          r.requests(),
          r.failed(),
          r.wrongPlace(),
          r.churnToLaptop(),
          r.churnToPod());
      if (!r.failures().isEmpty()) {
        System.out.println("failures: " + r.failures());
      }
    }
  }
}
