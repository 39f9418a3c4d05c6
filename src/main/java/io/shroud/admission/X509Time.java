package io.shroud.admission;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

/** X.509 times have whole seconds: instants are truncated before they go into a certificate. */
final class X509Time {
  private X509Time() {}

  static Date date(Instant t) {
    return Date.from(t.truncatedTo(ChronoUnit.SECONDS));
  }
}
