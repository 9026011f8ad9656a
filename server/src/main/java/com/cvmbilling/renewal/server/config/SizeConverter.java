package com.cvmbilling.renewal.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Sizes in bytes: {@code 65536}, {@code 64KiB} (or {@code 64K}), {@code 1MiB} (or {@code 1M}). */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(b|k|kb|kib|m|mb|mib)?");

  @Override
  public Long convert(String value) {
    Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a size; use bytes (65536) or KiB/MiB (64KiB, 1MiB)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    return switch (unit.charAt(0)) {
      case 'k' -> n * 1024;
      case 'm' -> n * 1024 * 1024;
      default -> n;
    };
  }
}
