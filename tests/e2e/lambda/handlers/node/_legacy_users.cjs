// The "existing user directory" of the user migration example (not served as a function: leading "_").
const LEGACY_USERS = {
  "legacy.ada@example.com": { password: "Legacy-Passw0rd!", emailAddress: "legacy.ada@example.com", name: "Ada Legacy" },
  "legacy-bob": { password: "Bobs-0ld-Password", emailAddress: "bob@legacy.example", name: "Bob Legacy" },
};

exports.LEGACY_USERS = LEGACY_USERS;
exports.authenticateUser = (username, password) => {
  const user = LEGACY_USERS[username];
  return user && user.password === password ? user : null;
};
exports.lookupUser = (username) => LEGACY_USERS[username] || null;
