// JWK members to OpenSSL 3 keys (EVP_PKEY_fromdata; raw Ed25519 keys).
#include "runtime/auth/jwk.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "runtime/codec/base64.hpp"
#include "runtime/codec/json.hpp"
#include "runtime/codec/json_parse.hpp"

namespace mcprt {
inline namespace auth {

namespace {

constexpr size_t max_jwks_bytes = size_t{64} * 1024;
constexpr int min_rsa_bits = 2048;

std::shared_ptr<EVP_PKEY> owned(EVP_PKEY* key) {
  return {key, EVP_PKEY_free};
}

// A base64url member as bytes, or nullopt.
std::optional<std::string> bytes_member(const rapidjson::Value& jwk, const char* name) {
  auto text = string_member(jwk, name);
  return text ? base64url_decode(*text) : std::nullopt;
}

// Builds a public key of `type` ("RSA", "EC") from OSSL parameters.
std::shared_ptr<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* build) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  if (params != nullptr && ctx != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) {
      key = nullptr;
    }
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return key != nullptr ? owned(key) : nullptr;
}

expected<std::shared_ptr<EVP_PKEY>, std::string> rsa_key(const rapidjson::Value& v) {
  auto n = bytes_member(v, "n");
  auto e = bytes_member(v, "e");
  if (!n || !e || n->empty() || e->empty()) {
    return std::string("RSA key without base64url n and e");
  }
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                           static_cast<int>(n->size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                           static_cast<int>(e->size()), nullptr);
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  std::shared_ptr<EVP_PKEY> key;
  if (bn_n != nullptr && bn_e != nullptr && build != nullptr &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1) {
    key = from_params("RSA", build);
  }
  OSSL_PARAM_BLD_free(build);
  BN_free(bn_n);
  BN_free(bn_e);
  if (!key) {
    return std::string("RSA key OpenSSL does not accept");
  }
  if (EVP_PKEY_get_bits(key.get()) < min_rsa_bits) {
    return "RSA key of " + std::to_string(EVP_PKEY_get_bits(key.get())) +
           " bits (at least 2048 are required)";
  }
  return key;
}

expected<std::shared_ptr<EVP_PKEY>, std::string> ec_key(const rapidjson::Value& v) {
  if (string_member(v, "crv").value_or("") != "P-256") {
    return std::string("EC key on a curve other than P-256");
  }
  auto x = bytes_member(v, "x");
  auto y = bytes_member(v, "y");
  if (!x || !y || x->size() != 32 || y->size() != 32) {
    return std::string("P-256 key without 32-byte x and y");
  }
  std::string point = "\x04" + *x + *y;  // Uncompressed SEC1 point.
  OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
  std::shared_ptr<EVP_PKEY> key;
  if (build != nullptr &&
      OSSL_PARAM_BLD_push_utf8_string(build, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
      OSSL_PARAM_BLD_push_octet_string(build, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) == 1) {
    key = from_params("EC", build);
  }
  OSSL_PARAM_BLD_free(build);
  if (!key) {
    return std::string("P-256 point OpenSSL does not accept (not on the curve)");
  }
  return key;
}

expected<std::shared_ptr<EVP_PKEY>, std::string> okp_key(const rapidjson::Value& v) {
  if (string_member(v, "crv").value_or("") != "Ed25519") {
    return std::string("OKP key on a curve other than Ed25519");
  }
  auto x = bytes_member(v, "x");
  if (!x || x->size() != 32) {
    return std::string("Ed25519 key without a 32-byte x");
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
  if (key == nullptr) {
    return std::string("Ed25519 key OpenSSL does not accept");
  }
  return owned(key);
}

}  // namespace

const jwk* jwk_set::find(std::string_view kid) const {
  if (kid.empty()) {
    return keys.size() == 1 ? &keys.front() : nullptr;
  }
  for (const auto& k : keys) {
    if (k.kid == kid) {
      return &k;
    }
  }
  return nullptr;
}

expected<jwk_set, std::string> parse_jwks(std::string_view json) {
  if (json.size() > max_jwks_bytes) {
    return std::string("the key set is larger than 64 KiB");
  }
  rapidjson::Document doc;
  if (auto err = parse_json(doc, json)) {
    return "the key set is not JSON: " + err->message;
  }
  auto* keys = doc.IsObject() ? find_member(doc, "keys") : nullptr;
  if (keys == nullptr || !keys->IsArray()) {
    return std::string("the key set has no \"keys\" array");
  }
  jwk_set set;
  for (const auto& v : keys->GetArray()) {
    if (!v.IsObject()) {
      set.skipped.emplace_back("an entry that is not an object");
      continue;
    }
    jwk k;
    k.kid = std::string(string_member(v, "kid").value_or(""));
    k.alg = std::string(string_member(v, "alg").value_or(""));
    k.use = std::string(string_member(v, "use").value_or(""));
    auto name = "key '" + k.kid + "': ";
    if (!k.use.empty() && k.use != "sig") {
      set.skipped.push_back(name + "use is " + k.use);
      continue;
    }
    auto kty = string_member(v, "kty").value_or("");
    expected<std::shared_ptr<EVP_PKEY>, std::string> key =
        std::string("unsupported kty '") + std::string(kty) + "'";
    if (kty == "RSA") {
      key = rsa_key(v);
      k.family = key_family::rsa;
    } else if (kty == "EC") {
      key = ec_key(v);
      k.family = key_family::ec_p256;
    } else if (kty == "OKP") {
      key = okp_key(v);
      k.family = key_family::ed25519;
    }
    if (auto* why = key.failure()) {
      set.skipped.push_back(name + *why);
      continue;
    }
    k.key = std::move(key).value();
    set.keys.push_back(std::move(k));
  }
  return set;
}

}  // namespace auth
}  // namespace mcprt
