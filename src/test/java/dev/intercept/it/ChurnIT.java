package dev.intercept.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Churn, shortened for `make test` (`make bench` runs a minute): no request fails or strays. */
class ChurnIT {
  @Test
  void interceptsComingAndGoingTenTimesASecondBreakNoRequest() throws Exception {
    try (Churn churn = new Churn()) {
      churn.start();
      Churn.Result r = churn.run(10_000, 10);
      System.out.println("churn: " + r);
      assertEquals(0, r.failed(), "failed requests: " + r.failures());
      assertEquals(0, r.wrongPlace(), "requests sent where no table says");
      assertTrue(r.added() >= 50, "about ten intercepts a second came and went: " + r.added());
      assertTrue(
          r.churnToLaptop() > 0 && r.churnToPod() > 0, "the churned path went both ways: " + r);
      assertTrue(r.requests() > 500, "the load kept going: " + r.requests());
    }
  }
}
