package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.persistence.AccountStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.service.AccountService;
import com.cvmbilling.renewal.server.service.ApiKeyService;
import com.cvmbilling.renewal.server.service.ProvisioningService;
import com.cvmbilling.renewal.server.service.ProvisioningService.NewInstances;
import com.google.inject.Injector;
import java.util.List;

/**
 * {@code --demo}: a fixed tenant with fixed keys and instances, so that the README's grpcurl lines
 * work verbatim. Seeded once; later starts keep what the demo did. Never use in production: the
 * keys are public.
 */
public final class DemoData {
  public static final String ACCOUNT_ID = "acc-demo0001";
  public static final String TENANT_KEY = "demo-tenant-key";
  public static final String ADMIN_KEY = "demo-admin-key";

  private DemoData() {}

  public static void seed(Injector injector) {
    Transactions tx = injector.getInstance(Transactions.class);
    boolean exists =
        tx.inTransaction(() -> injector.getInstance(AccountStore.class).find(ACCOUNT_ID) != null);
    injector.getInstance(ApiKeyService.class).ensureKey(ADMIN_KEY, null, true);
    if (exists) {
      return;
    }
    tx.inTransaction(
        () -> {
          injector
              .getInstance(AccountService.class)
              .create(ACCOUNT_ID, "Demo tenant", "Asia/Shanghai", 1_000_000); // 10,000.00 CNY
          injector.getInstance(ApiKeyService.class).ensureKey(TENANT_KEY, ACCOUNT_ID, false);
          ProvisioningService provisioning = injector.getInstance(ProvisioningService.class);
          provisioning.create(
              new NewInstances(
                  ACCOUNT_ID,
                  "S5.SMALL2",
                  ChargeType.PREPAID,
                  5,
                  RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                  1,
                  3,
                  1,
                  null,
                  List.of("ins-demo0001", "ins-demo0002", "ins-demo0003")));
          provisioning.create(
              new NewInstances(
                  ACCOUNT_ID,
                  "S5.LARGE8",
                  ChargeType.PREPAID,
                  10,
                  RenewFlag.NOTIFY_AND_AUTO_RENEW,
                  1,
                  1,
                  12,
                  null,
                  List.of("ins-demo0004")));
          provisioning.create(
              new NewInstances(
                  ACCOUNT_ID,
                  "S5.MEDIUM4",
                  ChargeType.POSTPAID_BY_HOUR,
                  1,
                  RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                  1,
                  1,
                  null,
                  null,
                  List.of("ins-demo0005")));
        });
  }
}
