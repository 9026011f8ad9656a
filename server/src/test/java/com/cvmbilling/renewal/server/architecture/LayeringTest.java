package com.cvmbilling.renewal.server.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.cvmbilling.renewal.server.testing.Tier;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTag;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules of docs/DESIGN.md ("Layers"), checked on the compiled main classes: a
 * violation fails {@code mvn verify}. The gRPC layer translates, the service layer decides,
 * repositories persist, the domain is pure.
 */
@AnalyzeClasses(
    packages = "com.cvmbilling.renewal.server",
    importOptions = ImportOption.DoNotIncludeTests.class)
@ArchTag(Tier.UNIT)
class LayeringTest {
  private static final String ROOT = "com.cvmbilling.renewal.server";

  @ArchTest
  static final ArchRule layers =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("App")
          .definedBy(ROOT + ".app..")
          .layer("Config")
          .definedBy(ROOT + ".config..")
          .layer("Grpc")
          .definedBy(ROOT + ".grpc..")
          .layer("Http")
          .definedBy(ROOT + ".http..")
          .layer("Service")
          .definedBy(ROOT + ".service..")
          .layer("Persistence")
          .definedBy(ROOT + ".persistence..")
          .layer("Domain")
          .definedBy(ROOT + ".domain..")
          .whereLayer("App")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("Config")
          .mayOnlyBeAccessedByLayers("App", "Grpc", "Http", "Service")
          // The HTTP/JSON port translates HTTP to gRPC calls on the gRPC layer's services.
          .whereLayer("Http")
          .mayOnlyBeAccessedByLayers("App")
          .whereLayer("Grpc")
          .mayOnlyBeAccessedByLayers("App", "Http")
          .whereLayer("Service")
          .mayOnlyBeAccessedByLayers("App", "Grpc")
          .whereLayer("Persistence")
          // Config builds the persistence settings records (DatabaseSettings, TransactionSettings):
          // they live in persistence so that persistence needs nothing from config.
          .mayOnlyBeAccessedByLayers("App", "Config", "Service")
          .whereLayer("Domain")
          .mayOnlyBeAccessedByLayers("App", "Config", "Service", "Persistence");

  @ArchTest
  static final ArchRule domainIsPure =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.grpc..",
              "com.google.protobuf..",
              "org.apache.ibatis..",
              "org.mybatis..",
              "java.sql..",
              "javax.sql..",
              "java.io..",
              "java.net..",
              "java.nio.file..",
              "com.google.inject..",
              "jakarta.inject..",
              "org.slf4j..")
          .because("the domain is pure: no I/O, no transport, no persistence, no wiring");

  /** The one API type the domain may name: the error reasons, declared once in the proto. */
  @ArchTest
  static final ArchRule domainNamesNoApiMessage =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".domain..")
          .should()
          .dependOnClassesThat(
              JavaClass.Predicates.resideInAPackage("com.cvmbilling.renewal.v1..")
                  .and(not(JavaClass.Predicates.simpleName("ErrorReason"))))
          .because("API messages are translated in the service layer (ApiMessages)");

  @ArchTest
  static final ArchRule grpcOnlyInTheGrpcLayer =
      noClasses()
          .that()
          .resideOutsideOfPackages(ROOT + ".grpc..", ROOT + ".http..", ROOT + ".app..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.grpc..")
          .because(
              "no io.grpc type below the gRPC layer (deadlines reach persistence through an"
                  + " interface the gRPC layer fills)");

  @ArchTest
  static final ArchRule armeriaOnlyInTheHttpLayer =
      noClasses()
          .that()
          .resideOutsideOfPackage(ROOT + ".http..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("com.linecorp.armeria..", "io.netty..")
          .because("the HTTP/JSON port (Armeria, its Netty) is one package behind HttpJsonServer");

  @ArchTest
  static final ArchRule mybatisOnlyInPersistence =
      noClasses()
          .that()
          .resideOutsideOfPackages(ROOT + ".persistence..", ROOT + ".app..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.ibatis..", "org.mybatis..", "java.sql..", "javax.sql..")
          .because("repositories persist; nothing else talks SQL");

  @ArchTest
  static final ArchRule noCycles = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();
}
