package dev.reckon.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON Schema objects for tools' inputs and outputs, as the plain maps the SDK serialises. */
final class Schema {
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    static Schema object() {
        return new Schema();
    }

    Schema string(String name, String description) {
        return prop(name, Map.of("type", "string", "description", description));
    }

    Schema integer(String name, String description) {
        return prop(name, Map.of("type", "integer", "description", description));
    }

    Schema number(String name, String description) {
        return prop(name, Map.of("type", "number", "description", description));
    }

    Schema bool(String name, String description) {
        return prop(name, Map.of("type", "boolean", "description", description));
    }

    Schema strings(String name, String description) {
        return prop(name, Map.of("type", "array", "items", Map.of("type", "string"), "description", description));
    }

    Schema oneOf(String name, String description, String... values) {
        return prop(name, Map.of("type", "string", "enum", List.of(values), "description", description));
    }

    /** An output property: an array of objects. */
    Schema array(String name, String description) {
        return prop(name, Map.of("type", "array", "items", Map.of("type", "object"), "description", description));
    }

    /** An output property of any JSON type (null included). */
    Schema any(String name, String description) {
        return prop(name, Map.of("description", description));
    }

    Schema prop(String name, Map<String, Object> schema) {
        properties.put(name, schema);
        return this;
    }

    Schema required(String... names) {
        required.addAll(List.of(names));
        return this;
    }

    Map<String, Object> map() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("properties", properties);
        if (!required.isEmpty()) m.put("required", required);
        return m;
    }

    java.util.Set<String> names() {
        return properties.keySet();
    }
}
