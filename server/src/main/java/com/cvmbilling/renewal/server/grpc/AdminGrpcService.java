package com.cvmbilling.renewal.server.grpc;

import static com.cvmbilling.renewal.server.grpc.Replies.reply;

import com.cvmbilling.renewal.server.service.AdminOperations;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.CreateInstancesResponse;
import com.cvmbilling.renewal.v1.DescribePriceCatalogRequest;
import com.cvmbilling.renewal.v1.DescribePriceCatalogResponse;
import com.cvmbilling.renewal.v1.ListApiKeysRequest;
import com.cvmbilling.renewal.v1.ListApiKeysResponse;
import com.cvmbilling.renewal.v1.RevokeApiKeyRequest;
import com.cvmbilling.renewal.v1.RevokeApiKeyResponse;
import com.cvmbilling.renewal.v1.SetPriceCatalogRequest;
import com.cvmbilling.renewal.v1.SetPriceCatalogResponse;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** AdminService over gRPC: carries each call to its {@link AdminOperations} operation. */
@Singleton
public final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {
  private final AdminOperations operations;

  @Inject
  public AdminGrpcService(AdminOperations operations) {
    this.operations = operations;
  }

  @Override
  public void createAccount(
      CreateAccountRequest request, StreamObserver<CreateAccountResponse> observer) {
    reply(observer, operations.createAccount(AuthInterceptor.principal(), request));
  }

  @Override
  public void createApiKey(
      CreateApiKeyRequest request, StreamObserver<CreateApiKeyResponse> observer) {
    reply(observer, operations.createApiKey(AuthInterceptor.principal(), request));
  }

  @Override
  public void topUpBalance(
      TopUpBalanceRequest request, StreamObserver<TopUpBalanceResponse> observer) {
    reply(observer, operations.topUpBalance(AuthInterceptor.principal(), request));
  }

  @Override
  public void createInstances(
      CreateInstancesRequest request, StreamObserver<CreateInstancesResponse> observer) {
    reply(observer, operations.createInstances(AuthInterceptor.principal(), request));
  }

  @Override
  public void describePriceCatalog(
      DescribePriceCatalogRequest request, StreamObserver<DescribePriceCatalogResponse> observer) {
    reply(observer, operations.describePriceCatalog(AuthInterceptor.principal(), request));
  }

  @Override
  public void setPriceCatalog(
      SetPriceCatalogRequest request, StreamObserver<SetPriceCatalogResponse> observer) {
    reply(observer, operations.setPriceCatalog(AuthInterceptor.principal(), request));
  }

  @Override
  public void listApiKeys(
      ListApiKeysRequest request, StreamObserver<ListApiKeysResponse> observer) {
    reply(observer, operations.listApiKeys(AuthInterceptor.principal(), request));
  }

  @Override
  public void revokeApiKey(
      RevokeApiKeyRequest request, StreamObserver<RevokeApiKeyResponse> observer) {
    reply(observer, operations.revokeApiKey(AuthInterceptor.principal(), request));
  }
}
