package com.cvmbilling.renewal.server.http;

/**
 * JSON laid out as grpcurl prints it (Go's {@code json.Indent} with two spaces): one member or
 * element per line, {@code "name": value}, empty objects and arrays as {@code {}} and {@code []},
 * and a final newline. Only whitespace outside strings changes.
 */
final class JsonText {
  private JsonText() {}

  /** {@code compact} (JSON without insignificant whitespace) indented. */
  static String indent(String compact) {
    StringBuilder out = new StringBuilder(compact.length() * 2);
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < compact.length(); i++) {
      char c = compact.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(compact.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          inString = true;
          out.append(c);
        }
        case '{', '[' -> {
          char close = c == '{' ? '}' : ']';
          if (i + 1 < compact.length() && compact.charAt(i + 1) == close) {
            out.append(c).append(close);
            i++;
          } else {
            out.append(c);
            newline(out, ++depth);
          }
        }
        case '}', ']' -> {
          newline(out, --depth);
          out.append(c);
        }
        case ',' -> {
          out.append(c);
          newline(out, depth);
        }
        case ':' -> out.append(": ");
        case ' ', '\n', '\r', '\t' -> {}
        default -> out.append(c);
      }
    }
    return out.append('\n').toString();
  }

  private static void newline(StringBuilder out, int depth) {
    out.append('\n');
    for (int d = 0; d < depth; d++) {
      out.append("  ");
    }
  }
}
