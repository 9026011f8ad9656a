package com.cvmbilling.renewal.server.persistence;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.ibatis.reflection.ReflectionException;
import org.apache.ibatis.reflection.factory.DefaultObjectFactory;

/**
 * MyBatis' object factory with the constructors of constructor result maps (every row type here is
 * a record) looked up once per type instead of once per row: the default looks the constructor up
 * by reflection for every row it maps, which showed in profiles of the renewal path.
 */
final class ConstructorCachingObjectFactory extends DefaultObjectFactory {
  private static final long serialVersionUID = 1L;

  private record Signature(Class<?> type, List<Class<?>> argTypes) {}

  private final transient ConcurrentMap<Signature, Constructor<?>> constructors =
      new ConcurrentHashMap<>();

  @Override
  public <T> T create(Class<T> type, List<Class<?>> argTypes, List<Object> args) {
    if (argTypes == null || args == null) {
      return super.create(type, argTypes, args);
    }
    Constructor<?> constructor = constructors.get(new Signature(type, argTypes));
    if (constructor == null) {
      Signature signature = new Signature(type, List.copyOf(argTypes));
      constructor =
          constructors.computeIfAbsent(signature, ConstructorCachingObjectFactory::lookUp);
    }
    try {
      return type.cast(constructor.newInstance(args.toArray()));
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
      throw new ReflectionException(
          "Error instantiating " + type + " with " + argTypes + " and " + args + ": " + e, e);
    }
  }

  private static Constructor<?> lookUp(Signature s) {
    try {
      Constructor<?> constructor =
          s.type().getDeclaredConstructor(s.argTypes().toArray(Class[]::new));
      constructor.setAccessible(true);
      return constructor;
    } catch (NoSuchMethodException | RuntimeException e) {
      throw new ReflectionException(
          "No constructor " + s.argTypes() + " in " + s.type() + ": " + e, e);
    }
  }
}
