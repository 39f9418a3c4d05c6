package io.shroud.dht;

import java.util.Base64;
import java.util.HexFormat;

/**
 * The answer to a record lookup ({@code GET /shroud/v1/dht/records/{key}}). Field names are
 * the JSON names; when {@code found} is false the record fields are null / 0.
 *
 * @param key record key (hex)
 * @param valueBase64 the value, base64 (standard alphabet, padded)
 * @param publisher the publisher's Ed25519 key (hex)
 * @param expiry ISO-8601
 * @param rounds lookup rounds (hop depth of the deepest query)
 * @param queries queries the lookup sent
 */
public record RecordLookupView(
    String key,
    boolean found,
    String valueBase64,
    String publisher,
    String expiry,
    long seq,
    int rounds,
    int queries) {

  /** Built from a FIND_VALUE lookup; the first record (latest expiry first) is reported. */
  public static RecordLookupView of(LookupResult result) {
    if (!result.valueFound()) {
      return new RecordLookupView(result.target().toHex(), false, null, null, null, 0,
          result.rounds(), result.queries());
    }
    SignedRecord best = result.records().get(0);
    for (SignedRecord r : result.records()) {
      if (r.expiry().isAfter(best.expiry())) {
        best = r;
      }
    }
    return new RecordLookupView(result.target().toHex(), true,
        Base64.getEncoder().encodeToString(best.value()), HexFormat.of().formatHex(best.publisher()),
        best.expiry().toString(), best.seq(), result.rounds(), result.queries());
  }

  /** The value's bytes (null when not found). */
  public byte[] valueBytes() {
    return valueBase64 == null ? null : Base64.getDecoder().decode(valueBase64);
  }
}
