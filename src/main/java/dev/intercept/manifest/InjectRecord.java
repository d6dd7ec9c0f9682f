package dev.intercept.manifest;

import dev.intercept.protocol.InvalidInputException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * What inject added to an object, kept in its annotation {@value #ANNOTATION} so that uninject
 * takes out exactly that: the containers, volumes and label it added, the keys it created (volumes,
 * annotations), and for a Service each moved port's original targetPort as written (null: none).
 */
final class InjectRecord {
  static final String ANNOTATION = "intercept.dev/injected";

  final JsonObject json;

  private InjectRecord(JsonObject json) {
    this.json = json;
  }

  static InjectRecord fresh() {
    return new InjectRecord(new JsonObject());
  }

  /** The record of an object, if it has one. */
  static Optional<InjectRecord> of(Node object, String id) {
    String text =
        Nodes.mapping(object, "metadata", "annotations")
            .map(a -> Nodes.text(a, ANNOTATION))
            .orElse(null);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new InjectRecord(new JsonObject(text)));
    } catch (DecodeException e) {
      throw new InvalidInputException(
          id + ": annotation " + ANNOTATION + " is not inject's record");
    }
  }

  List<String> list(String key) {
    JsonArray a = json.getJsonArray(key, new JsonArray());
    return a.stream().map(String::valueOf).toList();
  }

  InjectRecord add(String key, String value) {
    JsonArray a = json.getJsonArray(key);
    if (a == null) {
      a = new JsonArray();
      json.put(key, a);
    }
    a.add(value);
    return this;
  }

  boolean created(String key) {
    return list("created").contains(key);
  }

  String encode() {
    return json.encode();
  }
}
