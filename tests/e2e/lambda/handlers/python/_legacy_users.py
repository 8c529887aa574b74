# The "existing user directory" of the user migration examples: a dict standing in for a legacy database.
# (Leading underscore: the hosts do not serve it as a function.) Shared by user_migration.py (Lambda puts the handler's directory on sys.path, and so does the test host).

LEGACY_USERS = {
    'legacy.ada@example.com': {
        'password': 'Legacy-Passw0rd!',
        'emailAddress': 'legacy.ada@example.com',
        'name': 'Ada Legacy',
    },
    'legacy-bob': {
        'password': 'Bobs-0ld-Password',
        'emailAddress': 'bob@legacy.example',
        'name': 'Bob Legacy',
    },
}


def authenticate_user(username, password):
    user = LEGACY_USERS.get(username)
    if user and user['password'] == password:
        return user
    return None


def lookup_user(username):
    return LEGACY_USERS.get(username)
