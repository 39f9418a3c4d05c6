package io.shroud.admission;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Asserts an {@link AdmissionException} whose one-line message names the reason. */
final class Refusals {
  private Refusals() {}

  static AdmissionException refused(Executable call, String reason) {
    AdmissionException e = assertThrows(AdmissionException.class, call);
    assertTrue(e.getMessage().contains(reason), () -> "message \"" + e.getMessage() + "\" lacks \"" + reason + "\"");
    assertTrue(!e.getMessage().contains("\n"), "one line");
    return e;
  }
}
