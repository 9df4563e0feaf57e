// File: lib/builtins/x509.cc
//
// X.509 and private-key builtins: crypto.x509.parse_certificates,
// parse_and_verify_certificates(_with_options), parse_certificate_request,
// parse_keypair, parse_rsa_private_key and crypto.parse_private_keys. The
// parsing is lib/crypto/x509.h's; this file turns its structs into the
// objects OPA returns, which are Go's x509.Certificate (and friends) run
// through encoding/json: field names as Go's, []byte as base64, big
// integers as numbers, enums as Go's integers, nil slices as null.
//
// Chain verification reads the evaluation's clock (the context's now_ns,
// as time.now_ns), so a policy sees one time per evaluation.
//
// Tested by tests/builtins/x509_test.cc and the conformance suite.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"
#include "crypto/encoding.h"
#include "crypto/jws.h"
#include "crypto/x509.h"

namespace verdict::builtins {
namespace {

using crypto::Certificate;

// Builds Go-shaped JSON objects in one arena.
class GoValues {
 public:
  explicit GoValues(BuiltinContext& ctx) : ctx_(ctx) {}

  Value Str(std::string_view s) { return Value::String(s, ctx_.arena); }
  Value Bytes(std::string_view b) { return Str(crypto::Base64Encode(b)); }
  Value Bool(bool b) { return Value::Bool(b); }
  Value Int(int64_t i) { return Value::Int(i); }
  // A big integer (decimal text); null if it is not a number.
  Value Big(std::string_view decimal) {
    absl::StatusOr<Value> v = Value::Number(decimal, ctx_.arena);
    return v.ok() ? *v : Value::Null();
  }
  Value BigBytes(std::string_view big_endian) {
    return Big(crypto::BigEndianToDecimal(big_endian));
  }
  Value Oid(const crypto::Oid& oid) {
    ArrayBuilder b(ctx_.arena);
    for (int64_t arc : oid) b.Add(Value::Int(arc));
    return b.Build();
  }
  Value Strings(const std::optional<std::vector<std::string>>& v) {
    if (!v.has_value()) return Value::Null();
    ArrayBuilder b(ctx_.arena);
    for (const std::string& s : *v) b.Add(Str(s));
    return b.Build();
  }
  Value Oids(const std::optional<std::vector<crypto::Oid>>& v) {
    if (!v.has_value()) return Value::Null();
    ArrayBuilder b(ctx_.arena);
    for (const crypto::Oid& o : *v) b.Add(Oid(o));
    return b.Build();
  }
  Value OptionalBytes(const std::optional<std::string>& v) {
    return v.has_value() ? Bytes(*v) : Value::Null();
  }

  class Object {
   public:
    explicit Object(GoValues& go) : go_(go), b_(go.ctx_.arena) {}
    Object& Set(std::string_view key, Value v) {
      b_.Add(go_.Str(key), std::move(v));
      return *this;
    }
    Value Build() { return b_.Build(); }

   private:
    GoValues& go_;
    ObjectBuilder b_;
  };

  Value Name(const crypto::Name& n) {
    Value names = Value::Null();
    if (!n.names.empty()) {
      ArrayBuilder b(ctx_.arena);
      for (const crypto::NameAttribute& a : n.names) {
        b.Add(Object(*this).Set("Type", Oid(a.type)).Set("Value", Str(a.value)).Build());
      }
      names = b.Build();
    }
    return Object(*this)
        .Set("Country", Strings(n.country))
        .Set("Organization", Strings(n.organization))
        .Set("OrganizationalUnit", Strings(n.organizational_unit))
        .Set("Locality", Strings(n.locality))
        .Set("Province", Strings(n.province))
        .Set("StreetAddress", Strings(n.street_address))
        .Set("PostalCode", Strings(n.postal_code))
        .Set("SerialNumber", Str(n.serial_number))
        .Set("CommonName", Str(n.common_name))
        .Set("Names", names)
        .Set("ExtraNames", Value::Null())
        .Build();
  }

  // A map from JWK component names to their bytes.
  static std::string_view Component(
      const std::vector<std::pair<std::string, std::string>>& parts, std::string_view name) {
    for (const auto& [k, v] : parts) {
      if (k == name) return v;
    }
    return "";
  }

  // Go's *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey as JSON. An
  // elliptic.Curve has no exported fields, hence "Curve": {}.
  Value PublicKey(const crypto::PublicKeyInfo& info) {
    if (!info.key.has_value()) return Value::Null();
    const crypto::Key& key = *info.key;
    auto parts = key.Components(/*include_private=*/false);
    switch (key.type()) {
      case crypto::KeyType::kRsa:
        return Object(*this)
            .Set("N", BigBytes(Component(parts, "n")))
            .Set("E", BigBytes(Component(parts, "e")))
            .Build();
      case crypto::KeyType::kEc:
        return Object(*this)
            .Set("Curve", Value::EmptyObject())
            .Set("X", BigBytes(Component(parts, "x")))
            .Set("Y", BigBytes(Component(parts, "y")))
            .Build();
      case crypto::KeyType::kOkp:
        return Bytes(Component(parts, "x"));
      case crypto::KeyType::kSecret:
        break;
    }
    return Value::Null();
  }

  // Go's *rsa.PrivateKey (PublicKey embedded, so N and E sit at the top),
  // *ecdsa.PrivateKey, or ed25519.PrivateKey (seed || public key).
  Value PrivateKey(const crypto::Key& key) {
    auto parts = key.Components(/*include_private=*/true);
    switch (key.type()) {
      case crypto::KeyType::kRsa: {
        ArrayBuilder primes(ctx_.arena);
        primes.Add(BigBytes(Component(parts, "p")));
        primes.Add(BigBytes(Component(parts, "q")));
        return Object(*this)
            .Set("N", BigBytes(Component(parts, "n")))
            .Set("E", BigBytes(Component(parts, "e")))
            .Set("D", BigBytes(Component(parts, "d")))
            .Set("Primes", primes.Build())
            .Set("Precomputed", Object(*this)
                                    .Set("Dp", BigBytes(Component(parts, "dp")))
                                    .Set("Dq", BigBytes(Component(parts, "dq")))
                                    .Set("Qinv", BigBytes(Component(parts, "qi")))
                                    .Set("CRTValues", Value::EmptyArray())
                                    .Build())
            .Build();
      }
      case crypto::KeyType::kEc:
        return Object(*this)
            .Set("Curve", Value::EmptyObject())
            .Set("X", BigBytes(Component(parts, "x")))
            .Set("Y", BigBytes(Component(parts, "y")))
            .Set("D", BigBytes(Component(parts, "d")))
            .Build();
      case crypto::KeyType::kOkp:
        return Bytes(absl::StrCat(Absl(Component(parts, "d")), Absl(Component(parts, "x"))));
      case crypto::KeyType::kSecret:
        break;
    }
    return Value::Null();
  }

  Value Extensions(const std::vector<crypto::Extension>& exts) {
    if (exts.empty()) return Value::Null();
    ArrayBuilder b(ctx_.arena);
    for (const crypto::Extension& e : exts) {
      b.Add(Object(*this)
                .Set("Id", Oid(e.id))
                .Set("Critical", Bool(e.critical))
                .Set("Value", Bytes(e.value))
                .Build());
    }
    return b.Build();
  }

  // Go's url.URL.
  Value Uris(const std::optional<std::vector<crypto::Uri>>& uris) {
    if (!uris.has_value()) return Value::Null();
    ArrayBuilder b(ctx_.arena);
    for (const crypto::Uri& u : *uris) {
      b.Add(Object(*this)
                .Set("Scheme", Str(u.scheme))
                .Set("Opaque", Str(u.opaque))
                .Set("User", u.has_user ? Value::EmptyObject() : Value::Null())
                .Set("Host", Str(u.host))
                .Set("Path", Str(u.path))
                .Set("RawPath", Str(""))
                .Set("OmitHost", Bool(false))
                .Set("ForceQuery", Bool(false))
                .Set("RawQuery", Str(u.raw_query))
                .Set("Fragment", Str(u.fragment))
                .Set("RawFragment", Str(""))
                .Build());
    }
    return b.Build();
  }

  Value UriStrings(const std::optional<std::vector<crypto::Uri>>& uris) {
    if (!uris.has_value()) return Value::Null();
    ArrayBuilder b(ctx_.arena);
    for (const crypto::Uri& u : *uris) b.Add(Str(u.text));
    return b.Build();
  }

  Value Ints(const std::optional<std::vector<int>>& v) {
    if (!v.has_value()) return Value::Null();
    ArrayBuilder b(ctx_.arena);
    for (int i : *v) b.Add(Value::Int(i));
    return b.Build();
  }

  // Go's x509.Certificate; with [uri_strings], OPA's extra URIStrings.
  Value Cert(const Certificate& c, bool uri_strings) {
    Value policies = Value::Null();
    if (c.policy_identifiers.has_value()) {
      ArrayBuilder b(ctx_.arena);
      for (const crypto::Oid& oid : *c.policy_identifiers) {
        std::string dotted;
        for (int64_t arc : oid) absl::StrAppend(&dotted, dotted.empty() ? "" : ".", arc);
        b.Add(Str(dotted));
      }
      policies = b.Build();
    }
    Object o(*this);
    o.Set("Raw", Bytes(c.raw))
        .Set("RawTBSCertificate", Bytes(c.raw_tbs_certificate))
        .Set("RawSubjectPublicKeyInfo", Bytes(c.raw_subject_public_key_info))
        .Set("RawSubject", Bytes(c.raw_subject))
        .Set("RawIssuer", Bytes(c.raw_issuer))
        .Set("Signature", Bytes(c.signature))
        .Set("SignatureAlgorithm", Int(c.signature_algorithm))
        .Set("PublicKeyAlgorithm", Int(c.public_key.algorithm))
        .Set("PublicKey", PublicKey(c.public_key))
        .Set("Version", Int(c.version))
        .Set("SerialNumber", Big(c.serial_number))
        .Set("Issuer", Name(c.issuer))
        .Set("Subject", Name(c.subject))
        .Set("NotBefore", Str(crypto::FormatRfc3339(c.not_before)))
        .Set("NotAfter", Str(crypto::FormatRfc3339(c.not_after)))
        .Set("KeyUsage", Int(c.key_usage))
        .Set("Extensions", Extensions(c.extensions))
        .Set("ExtraExtensions", Value::Null())
        .Set("UnhandledCriticalExtensions", Oids(c.unhandled_critical_extensions))
        .Set("ExtKeyUsage", Ints(c.ext_key_usage))
        .Set("UnknownExtKeyUsage", Oids(c.unknown_ext_key_usage))
        .Set("BasicConstraintsValid", Bool(c.basic_constraints_valid))
        .Set("IsCA", Bool(c.is_ca))
        .Set("MaxPathLen", Int(c.max_path_len))
        .Set("MaxPathLenZero", Bool(c.max_path_len_zero))
        .Set("SubjectKeyId", OptionalBytes(c.subject_key_id))
        .Set("AuthorityKeyId", OptionalBytes(c.authority_key_id))
        .Set("OCSPServer", Strings(c.ocsp_server))
        .Set("IssuingCertificateURL", Strings(c.issuing_certificate_url))
        .Set("DNSNames", Strings(c.dns_names))
        .Set("EmailAddresses", Strings(c.email_addresses))
        .Set("IPAddresses", Strings(c.ip_addresses))
        .Set("URIs", Uris(c.uris))
        // Name constraints are not decoded (always absent here).
        .Set("PermittedDNSDomainsCritical", Bool(false))
        .Set("PermittedDNSDomains", Value::Null())
        .Set("ExcludedDNSDomains", Value::Null())
        .Set("PermittedIPRanges", Value::Null())
        .Set("ExcludedIPRanges", Value::Null())
        .Set("PermittedEmailAddresses", Value::Null())
        .Set("ExcludedEmailAddresses", Value::Null())
        .Set("PermittedURIDomains", Value::Null())
        .Set("ExcludedURIDomains", Value::Null())
        .Set("CRLDistributionPoints", Strings(c.crl_distribution_points))
        .Set("PolicyIdentifiers", Oids(c.policy_identifiers))
        .Set("Policies", policies);
    if (uri_strings) o.Set("URIStrings", UriStrings(c.uris));
    return o.Build();
  }

  Value Certs(const std::vector<Certificate>& certs, bool uri_strings) {
    ArrayBuilder b(ctx_.arena);
    for (const Certificate& c : certs) b.Add(Cert(c, uri_strings));
    return b.Build();
  }

  // Go's x509.CertificateRequest.
  Value Request(const crypto::CertificateRequest& r) {
    return Object(*this)
        .Set("Raw", Bytes(r.raw))
        .Set("RawTBSCertificateRequest", Bytes(r.raw_tbs_certificate_request))
        .Set("RawSubjectPublicKeyInfo", Bytes(r.raw_subject_public_key_info))
        .Set("RawSubject", Bytes(r.raw_subject))
        .Set("Version", Int(r.version))
        .Set("Signature", Bytes(r.signature))
        .Set("SignatureAlgorithm", Int(r.signature_algorithm))
        .Set("PublicKeyAlgorithm", Int(r.public_key.algorithm))
        .Set("PublicKey", PublicKey(r.public_key))
        .Set("Subject", Name(r.subject))
        .Set("Attributes", Value::Null())
        .Set("Extensions", Extensions(r.extensions))
        .Set("ExtraExtensions", Value::Null())
        .Set("DNSNames", Strings(r.dns_names))
        .Set("EmailAddresses", Strings(r.email_addresses))
        .Set("IPAddresses", Strings(r.ip_addresses))
        .Set("URIs", Uris(r.uris))
        .Build();
  }

 private:
  BuiltinContext& ctx_;
};

int64_t NowSeconds(BuiltinContext& ctx) {
  if (!ctx.now_ns_set) {
    ctx.now_ns = ctx.clock ? ctx.clock() : absl::ToUnixNanos(absl::Now());
    ctx.now_ns_set = true;
  }
  return ctx.now_ns / 1'000'000'000;
}

Value Unverified(BuiltinContext& ctx) {
  ArrayBuilder b(ctx.arena);
  b.Add(Value::Bool(false));
  b.Add(Value::EmptyArray());
  return b.Build();
}

// The verified chain as [true, certs], or [false, []] for any failure, as
// OPA reports it.
Value VerifiedOrNot(BuiltinContext& ctx, const std::vector<Certificate>& certs,
                    const crypto::VerifyOptions& options, bool uri_strings) {
  absl::StatusOr<std::vector<Certificate>> chain = crypto::VerifyCertificateChain(certs, options);
  if (!chain.ok()) return Unverified(ctx);
  ArrayBuilder b(ctx.arena);
  b.Add(Value::Bool(true));
  b.Add(GoValues(ctx).Certs(*chain, uri_strings));
  return b.Build();
}

// Go's ExtKeyUsage values by OPA's option names.
std::optional<int> KeyUsageByName(std::string_view name) {
  static constexpr std::pair<std::string_view, int> kNames[] = {
      {"KeyUsageAny", 0},
      {"KeyUsageServerAuth", 1},
      {"KeyUsageClientAuth", 2},
      {"KeyUsageCodeSigning", 3},
      {"KeyUsageEmailProtection", 4},
      {"KeyUsageIPSECEndSystem", 5},
      {"KeyUsageIPSECTunnel", 6},
      {"KeyUsageIPSECUser", 7},
      {"KeyUsageTimeStamping", 8},
      {"KeyUsageOCSPSigning", 9},
      {"KeyUsageMicrosoftServerGatedCrypto", 10},
      {"KeyUsageNetscapeServerGatedCrypto", 11},
      {"KeyUsageMicrosoftCommercialCodeSigning", 12},
      {"KeyUsageMicrosoftKernelCodeSigning", 13},
  };
  for (const auto& [n, v] : kNames) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// OPA's extractVerifyOpts.
absl::StatusOr<crypto::VerifyOptions> VerifyOptionsOf(std::string_view name,
                                                      const Value& options) {
  crypto::VerifyOptions out;
  for (const ObjectEntry& e : options.entries()) {
    if (!e.key.is_string()) continue;
    std::string_view key = e.key.as_string();
    const Value& v = e.value;
    if (key == "DNSName") {
      if (!v.is_string()) return BuiltinError(name, "'DNSName' should be a string");
      std::string_view dns = v.as_string();
      while (!dns.empty() && dns.front() == '"') dns.remove_prefix(1);
      while (!dns.empty() && dns.back() == '"') dns.remove_suffix(1);
      out.dns_name = std::string(dns);
    } else if (key == "CurrentTime") {
      if (!v.is_number()) return BuiltinError(name, "'CurrentTime' should be a number");
      std::optional<int64_t> ns = v.ToInt64();
      if (!ns.has_value()) {
        return BuiltinError(name, "'CurrentTime' should be a valid int64 number");
      }
      // Floor division: a time before 1970 rounds down to whole seconds.
      int64_t s = *ns / 1'000'000'000;
      if (*ns % 1'000'000'000 < 0) --s;
      out.current_time = s;
    } else if (key == "MaxConstraintComparisons") {
      // Name constraints are not checked, so the bound has nothing to limit.
      if (!v.is_number()) {
        return BuiltinError(name, "'MaxConstraintComparisons' should be a number");
      }
      if (!v.ToInt64().has_value()) {
        return BuiltinError(name, "'MaxConstraintComparisons' should be a valid number");
      }
    } else if (key == "KeyUsages") {
      if (!v.is_array() && !v.is_set()) {
        return BuiltinError(name, "'KeyUsages' should be an Array or Set");
      }
      std::vector<std::string> invalid;
      for (const Value& item : v.items()) {
        if (!item.is_string()) continue;
        std::string_view s = item.as_string();
        while (!s.empty() && s.front() == '"') s.remove_prefix(1);
        while (!s.empty() && s.back() == '"') s.remove_suffix(1);
        if (std::optional<int> usage = KeyUsageByName(s)) {
          out.key_usages.push_back(*usage);
        } else {
          invalid.emplace_back(s);
        }
      }
      if (!invalid.empty()) {
        std::string list;
        for (const std::string& s : invalid) absl::StrAppend(&list, list.empty() ? "" : " ", s);
        return BuiltinError(name,
                            absl::StrCat("invalid entries for 'KeyUsages' found: [", list, "]"));
      }
    } else {
      return BuiltinError(name, "invalid key option");
    }
  }
  return out;
}

absl::Status Failed(std::string_view name, const absl::Status& status) {
  return BuiltinError(name, Std(status.message()));
}

}  // namespace

absl::StatusOr<Value> CryptoX509ParseCertificates(BuiltinContext& ctx,
                                                  std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_certificates";
  VERDICT_ASSIGN_OR_RETURN(std::string_view input, StringArg(kName, args, 0));
  absl::StatusOr<std::vector<Certificate>> certs = crypto::ParseCertificates(input);
  if (!certs.ok()) return Failed(kName, certs.status());
  return GoValues(ctx).Certs(*certs, /*uri_strings=*/true);
}

absl::StatusOr<Value> CryptoX509ParseAndVerifyCertificates(BuiltinContext& ctx,
                                                           std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_and_verify_certificates";
  VERDICT_ASSIGN_OR_RETURN(std::string_view input, StringArg(kName, args, 0));
  absl::StatusOr<std::vector<Certificate>> certs = crypto::ParseCertificates(input);
  if (!certs.ok()) return Unverified(ctx);
  crypto::VerifyOptions options;
  options.current_time = NowSeconds(ctx);
  return VerifiedOrNot(ctx, *certs, options, /*uri_strings=*/true);
}

absl::StatusOr<Value> CryptoX509ParseAndVerifyCertificatesWithOptions(
    BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_and_verify_certificates_with_options";
  VERDICT_ASSIGN_OR_RETURN(std::string_view input, StringArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* options, ObjectArg(kName, args, 1));
  absl::StatusOr<std::vector<Certificate>> certs = crypto::ParseCertificates(input);
  if (!certs.ok()) return Unverified(ctx);
  VERDICT_ASSIGN_OR_RETURN(crypto::VerifyOptions verify, VerifyOptionsOf(kName, *options));
  if (!verify.current_time.has_value()) verify.current_time = NowSeconds(ctx);
  // OPA returns plain certificates here, without URIStrings.
  return VerifiedOrNot(ctx, *certs, verify, /*uri_strings=*/false);
}

absl::StatusOr<Value> CryptoX509ParseCertificateRequest(BuiltinContext& ctx,
                                                        std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_certificate_request";
  VERDICT_ASSIGN_OR_RETURN(std::string_view input, StringArg(kName, args, 0));
  absl::StatusOr<crypto::CertificateRequest> csr = crypto::ParseCertificateRequest(input);
  if (!csr.ok()) return Failed(kName, csr.status());
  return GoValues(ctx).Request(*csr);
}

absl::StatusOr<Value> CryptoX509ParseKeypair(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_keypair";
  VERDICT_ASSIGN_OR_RETURN(std::string_view cert, StringArg(kName, args, 0));
  // OPA reports a bad key operand as operand 1 too.
  if (args.size() < 2 || !args[1].is_string()) {
    return OperandTypeError(kName, 0, args.size() < 2 ? Value() : args[1], {"string"});
  }
  absl::StatusOr<crypto::KeyPair> pair = crypto::ParseKeyPair(cert, args[1].as_string());
  if (!pair.ok()) return Failed(kName, pair.status());
  GoValues go(ctx);
  ArrayBuilder ders(ctx.arena);
  for (const std::string& der : pair->certificates) ders.Add(go.Bytes(der));
  return GoValues::Object(go)
      .Set("Certificate", ders.Build())
      .Set("PrivateKey", go.PrivateKey(pair->private_key))
      .Set("SupportedSignatureAlgorithms", Value::Null())
      .Set("OCSPStaple", Value::Null())
      .Set("SignedCertificateTimestamps", Value::Null())
      .Set("Leaf", go.Cert(pair->leaf, /*uri_strings=*/false))
      .Build();
}

absl::StatusOr<Value> CryptoX509ParseRsaPrivateKey(BuiltinContext& ctx,
                                                   std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.x509.parse_rsa_private_key";
  VERDICT_ASSIGN_OR_RETURN(std::string_view input, StringArg(kName, args, 0));
  if (input.empty()) return BuiltinError(kName, "input PEM data was empty");
  std::string pem(input);
  if (input.substr(0, 10) != "-----BEGIN") {
    absl::StatusOr<std::string> decoded = crypto::Base64Decode(input);
    if (!decoded.ok()) return Failed(kName, decoded.status());
    pem = *std::move(decoded);
  }
  absl::StatusOr<std::vector<crypto::Key>> keys = crypto::ParsePrivateKeys(pem);
  if (!keys.ok()) return Failed(kName, keys.status());
  if (keys->empty()) return Value::Null();
  absl::StatusOr<Value> jwk = ParseJson(keys->front().ToJwk(/*include_private=*/true), ctx.arena);
  if (!jwk.ok()) return Failed(kName, jwk.status());
  return *jwk;
}

absl::StatusOr<Value> CryptoParsePrivateKeys(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "crypto.parse_private_keys";
  VERDICT_ASSIGN_OR_RETURN(std::string_view input, StringArg(kName, args, 0));
  if (input.empty()) return Value::Null();
  absl::StatusOr<std::vector<crypto::Key>> keys = crypto::ParsePrivateKeys(input);
  if (!keys.ok()) return Failed(kName, keys.status());
  GoValues go(ctx);
  ArrayBuilder out(ctx.arena);
  for (const crypto::Key& key : *keys) out.Add(go.PrivateKey(key));
  return out.Build();
}

}  // namespace verdict::builtins
