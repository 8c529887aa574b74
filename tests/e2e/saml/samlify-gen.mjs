// Writes tests/it/fixtures/saml/samlify-signed.xml and samlify-idp-metadata.xml: a SAML Response from
// samlify 2.13.1 (signatures by xml-crypto), a second signer implementation next to pysaml2/xmlsec1.
//   node tests/e2e/saml/samlify-gen.mjs <keydir>   (idp-key.pem / idp-cert.pem, see gen_fixtures.py;
//   samlify@2.13.1 installed where Node finds it)
import fs from 'node:fs';
import * as samlify from 'samlify';

// samlify refuses to run without a schema validator; it is only used when *parsing* messages.
samlify.setSchemaValidator({ validate: () => Promise.resolve('skipped') });
const out = new URL('../../it/fixtures/saml/', import.meta.url).pathname;
const keys = process.argv[2];
const ACS = 'http://127.0.0.1:9229/saml2/idpresponse';
const REQ = '_6c1b2f0e-8d5a-4a43-9b1e-3f1c0a7d2e55';

const idp = samlify.IdentityProvider({
  entityID: 'http://127.0.0.1:8089/metadata',
  signingCert: fs.readFileSync(`${keys}/idp-cert.pem`),
  privateKey: fs.readFileSync(`${keys}/idp-key.pem`),
  singleSignOnService: [
    { Binding: samlify.Constants.namespace.binding.redirect, Location: 'http://127.0.0.1:8089/sso' },
  ],
  nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
});
const sp = samlify.ServiceProvider({
  entityID: 'urn:amazon:cognito:sp:us-east-1_TEST',
  assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: ACS }],
  wantAssertionsSigned: true,
});
const { context } = await idp.createLoginResponse(
  sp,
  { extract: { request: { id: REQ } } },
  'post',
  { email: 'carlos@example.com' },
);
fs.writeFileSync(out + 'samlify-signed.xml', Buffer.from(context, 'base64').toString('utf8'));
fs.writeFileSync(out + 'samlify-idp-metadata.xml', idp.getMetadata());
console.log('wrote samlify-signed.xml');
