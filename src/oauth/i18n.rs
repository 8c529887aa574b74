//! The texts of the hosted pages in the languages of AWS's managed login (`lang` on
//! `/oauth2/authorize` and every page, then the `lang` cookie). English, German, Spanish, French and
//! Japanese are complete; the other languages AWS lists (Bahasa Indonesia, Italian, Korean,
//! Portuguese (Brazil), Chinese simplified and traditional) are recognised and fall back to English.
//! Only managed login (ManagedLoginVersion 2) is localised, as on AWS; the classic hosted UI is English.

use std::borrow::Cow;

/// A managed login language (AWS's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// German.
    De,
    /// English (the default).
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// Bahasa Indonesia (English texts).
    Id,
    /// Italian (English texts).
    It,
    /// Japanese.
    Ja,
    /// Korean (English texts).
    Ko,
    /// Portuguese, Brazil (English texts).
    PtBr,
    /// Chinese, simplified (English texts).
    ZhCn,
    /// Chinese, traditional (English texts).
    ZhTw,
}

const CODES: [(Lang, &str); 11] = [
    (Lang::De, "de"),
    (Lang::En, "en"),
    (Lang::Es, "es"),
    (Lang::Fr, "fr"),
    (Lang::Id, "id"),
    (Lang::It, "it"),
    (Lang::Ja, "ja"),
    (Lang::Ko, "ko"),
    (Lang::PtBr, "pt-BR"),
    (Lang::ZhCn, "zh-CN"),
    (Lang::ZhTw, "zh-TW"),
];

impl Lang {
    /// The language a `lang` value names (exactly as AWS lists the codes); `None` for any other value.
    pub fn parse(code: &str) -> Option<Lang> {
        CODES.iter().find(|(_, c)| *c == code).map(|(l, _)| *l)
    }

    /// The code (`<html lang>`, the `lang` cookie).
    pub fn code(self) -> &'static str {
        CODES
            .iter()
            .find(|(l, _)| *l == self)
            .map_or("en", |(_, c)| c)
    }

    /// The column of the translated texts; `None`: English.
    fn column(self) -> Option<usize> {
        match self {
            Lang::De => Some(0),
            Lang::Es => Some(1),
            Lang::Fr => Some(2),
            Lang::Ja => Some(3),
            _ => None,
        }
    }

    /// Whether the pages have their own texts in this language (others show English).
    pub fn translated(self) -> bool {
        self == Lang::En || self.column().is_some()
    }
}

/// A text of the pages. `{}` in a text is replaced by [`fill`].
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T {
    Footer,
    SignIn,
    SignInWithUsername,
    SignInWithEmail,
    SignInWithPhone,
    SignInWithEmailOrPhone,
    Username,
    Email,
    PhoneNumber,
    EmailOrPhone,
    Password,
    ForgotPassword,
    NeedAccount,
    SignUp,
    SignInWithPasskey,
    AccountConfirmed,
    PasswordChanged,
    EnterUsernameAndPassword,
    EnterUsername,
    NoPasskey,
    MfaTitle,
    EnterAppCode,
    CodeSentTo,
    Code,
    ChooseMethodTitle,
    ChooseMethodIntro,
    AuthenticatorApp,
    TextMessage,
    ChangePassword,
    EnterNewPassword,
    NewPassword,
    ConfirmNewPassword,
    SetUpMfaTitle,
    SetUpTotpIntro,
    OpenInAuthenticator,
    SetUpChooseIntro,
    SetUpEmailIntro,
    EmailAddress,
    SendCode,
    Continue,
    StartOver,
    EnterCode,
    ChooseCodeMethod,
    PasswordsDontMatch,
    EnterEmail,
    NoMfaSetup,
    PasskeyIntro,
    UsePasskey,
    PasskeyFailed,
    NeedsScript,
    AddPasskeyTitle,
    AddPasskeyIntro,
    CreatePasskey,
    NotNow,
    PasskeyCreateFailed,
    CreateAccount,
    PasswordsNeed,
    RuleLength,
    RuleUpper,
    RuleLower,
    RuleNumber,
    RuleSymbol,
    ListSeparator,
    HaveAccount,
    AttrAddress,
    AttrBirthdate,
    AttrFamilyName,
    AttrGender,
    AttrGivenName,
    AttrLocale,
    AttrMiddleName,
    AttrName,
    AttrNickname,
    AttrPicture,
    AttrPreferredUsername,
    AttrProfile,
    AttrWebsite,
    AttrZoneinfo,
    ConfirmTitle,
    ConfirmIntro,
    ConfirmationCode,
    ConfirmAccount,
    SendNewCode,
    NewCodeSent,
    ForgotIntroUsername,
    ForgotIntroEmail,
    ForgotIntroPhone,
    ForgotIntroEmailOrPhone,
    ResetMyPassword,
    BackToSignIn,
    ResetTitle,
    ResetCodeSent,
    NewPasswordAgain,
    MsgIncorrect,
    MsgNoUser,
    MsgAttempts,
    MsgDisabled,
    MsgCodeMismatch,
    MsgCodeMismatchAuth,
    MsgUserExists,
    MsgExpiredCode,
    IdpContinueWith,
    IdpCorporateEmail,
    IdpOr,
    IdpIntro,
    IdpNoneForDomain,
}

/// Every text: the key, English, then German, Spanish, French, Japanese. In the order of [`T`].
#[rustfmt::skip]
const CATALOG: &[(T, &str, [&str; 4])] = &[
    (T::Footer, "cognito-emulator · local Amazon Cognito hosted UI",
        ["cognito-emulator · lokale Anmeldeseiten von Amazon Cognito", "cognito-emulator · páginas de inicio de sesión locales de Amazon Cognito", "cognito-emulator · pages de connexion locales d'Amazon Cognito", "cognito-emulator · Amazon Cognito のローカル ログインページ"]),
    (T::SignIn, "Sign in", ["Anmelden", "Iniciar sesión", "Se connecter", "サインイン"]),
    (T::SignInWithUsername, "Sign in with your username and password",
        ["Melden Sie sich mit Ihrem Benutzernamen und Passwort an", "Inicie sesión con su nombre de usuario y contraseña", "Connectez-vous avec votre nom d'utilisateur et votre mot de passe", "ユーザー名とパスワードでサインインしてください"]),
    (T::SignInWithEmail, "Sign in with your email and password",
        ["Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an", "Inicie sesión con su correo electrónico y contraseña", "Connectez-vous avec votre adresse e-mail et votre mot de passe", "メールアドレスとパスワードでサインインしてください"]),
    (T::SignInWithPhone, "Sign in with your phone number and password",
        ["Melden Sie sich mit Ihrer Telefonnummer und Ihrem Passwort an", "Inicie sesión con su número de teléfono y contraseña", "Connectez-vous avec votre numéro de téléphone et votre mot de passe", "電話番号とパスワードでサインインしてください"]),
    (T::SignInWithEmailOrPhone, "Sign in with your email or phone number and password",
        ["Melden Sie sich mit Ihrer E-Mail-Adresse oder Telefonnummer und Ihrem Passwort an", "Inicie sesión con su correo electrónico o número de teléfono y contraseña", "Connectez-vous avec votre adresse e-mail ou votre numéro de téléphone et votre mot de passe", "メールアドレスまたは電話番号とパスワードでサインインしてください"]),
    (T::Username, "Username", ["Benutzername", "Nombre de usuario", "Nom d'utilisateur", "ユーザー名"]),
    (T::Email, "Email", ["E-Mail", "Correo electrónico", "E-mail", "メールアドレス"]),
    (T::PhoneNumber, "Phone number", ["Telefonnummer", "Número de teléfono", "Numéro de téléphone", "電話番号"]),
    (T::EmailOrPhone, "Email or phone number", ["E-Mail oder Telefonnummer", "Correo electrónico o número de teléfono", "E-mail ou numéro de téléphone", "メールアドレスまたは電話番号"]),
    (T::Password, "Password", ["Passwort", "Contraseña", "Mot de passe", "パスワード"]),
    (T::ForgotPassword, "Forgot your password?", ["Passwort vergessen?", "¿Olvidó su contraseña?", "Mot de passe oublié ?", "パスワードをお忘れですか?"]),
    (T::NeedAccount, "Need an account?", ["Noch kein Konto?", "¿Necesita una cuenta?", "Pas encore de compte ?", "アカウントをお持ちでないですか?"]),
    (T::SignUp, "Sign up", ["Registrieren", "Registrarse", "S'inscrire", "サインアップ"]),
    (T::SignInWithPasskey, "Sign in with passkey", ["Mit Passkey anmelden", "Iniciar sesión con clave de acceso", "Se connecter avec une clé d'accès", "パスキーでサインイン"]),
    (T::AccountConfirmed, "Your account is confirmed. Sign in to continue.",
        ["Ihr Konto ist bestätigt. Melden Sie sich an, um fortzufahren.", "Su cuenta está confirmada. Inicie sesión para continuar.", "Votre compte est confirmé. Connectez-vous pour continuer.", "アカウントが確認されました。続行するにはサインインしてください。"]),
    (T::PasswordChanged, "Your password was changed. Sign in with the new one.",
        ["Ihr Passwort wurde geändert. Melden Sie sich mit dem neuen an.", "Su contraseña se cambió. Inicie sesión con la nueva.", "Votre mot de passe a été modifié. Connectez-vous avec le nouveau.", "パスワードが変更されました。新しいパスワードでサインインしてください。"]),
    (T::EnterUsernameAndPassword, "Please enter your username and password.",
        ["Bitte geben Sie Ihren Benutzernamen und Ihr Passwort ein.", "Introduzca su nombre de usuario y contraseña.", "Veuillez saisir votre nom d'utilisateur et votre mot de passe.", "ユーザー名とパスワードを入力してください。"]),
    (T::EnterUsername, "Please enter your username.", ["Bitte geben Sie Ihren Benutzernamen ein.", "Introduzca su nombre de usuario.", "Veuillez saisir votre nom d'utilisateur.", "ユーザー名を入力してください。"]),
    (T::NoPasskey, "No passkey is registered for this user. Sign in with your password.",
        ["Für diesen Benutzer ist kein Passkey registriert. Melden Sie sich mit Ihrem Passwort an.", "Este usuario no tiene ninguna clave de acceso registrada. Inicie sesión con su contraseña.", "Aucune clé d'accès n'est enregistrée pour cet utilisateur. Connectez-vous avec votre mot de passe.", "このユーザーにはパスキーが登録されていません。パスワードでサインインしてください。"]),
    (T::MfaTitle, "Multi-factor authentication", ["Multi-Faktor-Authentifizierung", "Autenticación multifactor", "Authentification multifacteur", "多要素認証"]),
    (T::EnterAppCode, "Enter the code from your authenticator app.",
        ["Geben Sie den Code aus Ihrer Authentifizierungs-App ein.", "Introduzca el código de su aplicación de autenticación.", "Saisissez le code de votre application d'authentification.", "認証アプリに表示されたコードを入力してください。"]),
    (T::CodeSentTo, "We sent a code to {}.", ["Wir haben einen Code an {} gesendet.", "Hemos enviado un código a {}.", "Nous avons envoyé un code à {}.", "{} にコードを送信しました。"]),
    (T::Code, "Code", ["Code", "Código", "Code", "コード"]),
    (T::ChooseMethodTitle, "Choose a sign-in method", ["Anmeldemethode wählen", "Elija un método de inicio de sesión", "Choisissez une méthode de connexion", "サインイン方法を選択"]),
    (T::ChooseMethodIntro, "How do you want to receive your code?", ["Wie möchten Sie Ihren Code erhalten?", "¿Cómo desea recibir su código?", "Comment souhaitez-vous recevoir votre code ?", "コードの受け取り方法を選んでください。"]),
    (T::AuthenticatorApp, "Authenticator app", ["Authentifizierungs-App", "Aplicación de autenticación", "Application d'authentification", "認証アプリ"]),
    (T::TextMessage, "Text message (SMS)", ["Textnachricht (SMS)", "Mensaje de texto (SMS)", "SMS", "テキストメッセージ (SMS)"]),
    (T::ChangePassword, "Change password", ["Passwort ändern", "Cambiar contraseña", "Changer le mot de passe", "パスワードの変更"]),
    (T::EnterNewPassword, "Please enter a new password.", ["Bitte geben Sie ein neues Passwort ein.", "Introduzca una contraseña nueva.", "Veuillez saisir un nouveau mot de passe.", "新しいパスワードを入力してください。"]),
    (T::NewPassword, "New password", ["Neues Passwort", "Contraseña nueva", "Nouveau mot de passe", "新しいパスワード"]),
    (T::ConfirmNewPassword, "Confirm new password", ["Neues Passwort bestätigen", "Confirme la contraseña nueva", "Confirmez le nouveau mot de passe", "新しいパスワード (確認)"]),
    (T::SetUpMfaTitle, "Set up multi-factor authentication", ["Multi-Faktor-Authentifizierung einrichten", "Configurar la autenticación multifactor", "Configurer l'authentification multifacteur", "多要素認証の設定"]),
    (T::SetUpTotpIntro, "Add this key to your authenticator app, then enter the code it shows.",
        ["Fügen Sie diesen Schlüssel Ihrer Authentifizierungs-App hinzu und geben Sie dann den angezeigten Code ein.", "Añada esta clave a su aplicación de autenticación e introduzca el código que muestra.", "Ajoutez cette clé à votre application d'authentification, puis saisissez le code affiché.", "このキーを認証アプリに追加し、表示されたコードを入力してください。"]),
    (T::OpenInAuthenticator, "Open in an authenticator app", ["In einer Authentifizierungs-App öffnen", "Abrir en una aplicación de autenticación", "Ouvrir dans une application d'authentification", "認証アプリで開く"]),
    (T::SetUpChooseIntro, "MFA is required. Choose how you want to receive sign-in codes.",
        ["MFA ist erforderlich. Wählen Sie, wie Sie Anmeldecodes erhalten möchten.", "Se requiere MFA. Elija cómo desea recibir los códigos de inicio de sesión.", "L'authentification multifacteur est obligatoire. Choisissez comment recevoir les codes de connexion.", "MFA が必要です。サインインコードの受け取り方法を選んでください。"]),
    (T::SetUpEmailIntro, "Enter the email address where you want to receive sign-in codes.",
        ["Geben Sie die E-Mail-Adresse ein, an die Anmeldecodes gesendet werden sollen.", "Introduzca la dirección de correo electrónico en la que desea recibir los códigos de inicio de sesión.", "Saisissez l'adresse e-mail à laquelle vous souhaitez recevoir les codes de connexion.", "サインインコードを受け取るメールアドレスを入力してください。"]),
    (T::EmailAddress, "Email address", ["E-Mail-Adresse", "Dirección de correo electrónico", "Adresse e-mail", "メールアドレス"]),
    (T::SendCode, "Send code", ["Code senden", "Enviar código", "Envoyer le code", "コードを送信"]),
    (T::Continue, "Continue", ["Weiter", "Continuar", "Continuer", "続行"]),
    (T::StartOver, "Start over", ["Neu beginnen", "Empezar de nuevo", "Recommencer", "最初からやり直す"]),
    (T::EnterCode, "Please enter the code.", ["Bitte geben Sie den Code ein.", "Introduzca el código.", "Veuillez saisir le code.", "コードを入力してください。"]),
    (T::ChooseCodeMethod, "Please choose how to receive your code.", ["Bitte wählen Sie, wie Sie Ihren Code erhalten möchten.", "Elija cómo desea recibir el código.", "Veuillez choisir comment recevoir votre code.", "コードの受け取り方法を選択してください。"]),
    (T::PasswordsDontMatch, "Passwords do not match.", ["Die Passwörter stimmen nicht überein.", "Las contraseñas no coinciden.", "Les mots de passe ne correspondent pas.", "パスワードが一致しません。"]),
    (T::EnterEmail, "Please enter an email address.", ["Bitte geben Sie eine E-Mail-Adresse ein.", "Introduzca una dirección de correo electrónico.", "Veuillez saisir une adresse e-mail.", "メールアドレスを入力してください。"]),
    (T::NoMfaSetup, "MFA is required, but the user pool offers no factor that can be set up here.",
        ["MFA ist erforderlich, aber der Benutzerpool bietet keinen Faktor, der hier eingerichtet werden kann.", "Se requiere MFA, pero el grupo de usuarios no ofrece ningún factor que se pueda configurar aquí.", "L'authentification multifacteur est obligatoire, mais le groupe d'utilisateurs ne propose aucun facteur configurable ici.", "MFA が必要ですが、ユーザープールにはここで設定できる要素がありません。"]),
    (T::PasskeyIntro, "Use the passkey saved on this device or your security key.",
        ["Verwenden Sie den auf diesem Gerät gespeicherten Passkey oder Ihren Sicherheitsschlüssel.", "Use la clave de acceso guardada en este dispositivo o su llave de seguridad.", "Utilisez la clé d'accès enregistrée sur cet appareil ou votre clé de sécurité.", "このデバイスに保存されたパスキーまたはセキュリティキーを使用してください。"]),
    (T::UsePasskey, "Use passkey", ["Passkey verwenden", "Usar clave de acceso", "Utiliser la clé d'accès", "パスキーを使用"]),
    (T::PasskeyFailed, "The passkey could not be used. Try again or sign in with your password.",
        ["Der Passkey konnte nicht verwendet werden. Versuchen Sie es erneut oder melden Sie sich mit Ihrem Passwort an.", "No se pudo usar la clave de acceso. Vuelva a intentarlo o inicie sesión con su contraseña.", "La clé d'accès n'a pas pu être utilisée. Réessayez ou connectez-vous avec votre mot de passe.", "パスキーを使用できませんでした。もう一度試すか、パスワードでサインインしてください。"]),
    (T::NeedsScript, "Passkeys need JavaScript in this browser.", ["Passkeys benötigen JavaScript in diesem Browser.", "Las claves de acceso necesitan JavaScript en este navegador.", "Les clés d'accès nécessitent JavaScript dans ce navigateur.", "パスキーにはこのブラウザーで JavaScript が必要です。"]),
    (T::AddPasskeyTitle, "Add a passkey", ["Passkey hinzufügen", "Añadir una clave de acceso", "Ajouter une clé d'accès", "パスキーを追加"]),
    (T::AddPasskeyIntro, "Sign in next time without a password: create a passkey on this device or a security key.",
        ["Melden Sie sich beim nächsten Mal ohne Passwort an: Erstellen Sie einen Passkey auf diesem Gerät oder einem Sicherheitsschlüssel.", "Inicie sesión la próxima vez sin contraseña: cree una clave de acceso en este dispositivo o en una llave de seguridad.", "Connectez-vous la prochaine fois sans mot de passe : créez une clé d'accès sur cet appareil ou une clé de sécurité.", "次回からパスワードなしでサインインできます。このデバイスまたはセキュリティキーにパスキーを作成してください。"]),
    (T::CreatePasskey, "Create passkey", ["Passkey erstellen", "Crear clave de acceso", "Créer une clé d'accès", "パスキーを作成"]),
    (T::NotNow, "Not now", ["Nicht jetzt", "Ahora no", "Pas maintenant", "後で"]),
    (T::PasskeyCreateFailed, "The passkey could not be created. Try again.",
        ["Der Passkey konnte nicht erstellt werden. Versuchen Sie es erneut.", "No se pudo crear la clave de acceso. Vuelva a intentarlo.", "La clé d'accès n'a pas pu être créée. Réessayez.", "パスキーを作成できませんでした。もう一度お試しください。"]),
    (T::CreateAccount, "Create an account", ["Konto erstellen", "Crear una cuenta", "Créer un compte", "アカウントを作成"]),
    (T::PasswordsNeed, "Passwords need {}.", ["Passwörter benötigen {}.", "Las contraseñas necesitan {}.", "Les mots de passe doivent contenir {}.", "パスワードには {} が必要です。"]),
    (T::RuleLength, "at least {} characters", ["mindestens {} Zeichen", "al menos {} caracteres", "au moins {} caractères", "{} 文字以上"]),
    (T::RuleUpper, "an upper-case letter", ["einen Großbuchstaben", "una letra mayúscula", "une lettre majuscule", "大文字"]),
    (T::RuleLower, "a lower-case letter", ["einen Kleinbuchstaben", "una letra minúscula", "une lettre minuscule", "小文字"]),
    (T::RuleNumber, "a number", ["eine Ziffer", "un número", "un chiffre", "数字"]),
    (T::RuleSymbol, "a symbol", ["ein Sonderzeichen", "un símbolo", "un symbole", "記号"]),
    (T::ListSeparator, ", ", [", ", ", ", ", ", "、"]),
    (T::HaveAccount, "Already have an account?", ["Sie haben bereits ein Konto?", "¿Ya tiene una cuenta?", "Vous avez déjà un compte ?", "すでにアカウントをお持ちですか?"]),
    (T::AttrAddress, "Address", ["Adresse", "Dirección", "Adresse", "住所"]),
    (T::AttrBirthdate, "Birthdate", ["Geburtsdatum", "Fecha de nacimiento", "Date de naissance", "生年月日"]),
    (T::AttrFamilyName, "Family name", ["Nachname", "Apellido", "Nom de famille", "姓"]),
    (T::AttrGender, "Gender", ["Geschlecht", "Género", "Genre", "性別"]),
    (T::AttrGivenName, "Given name", ["Vorname", "Nombre", "Prénom", "名"]),
    (T::AttrLocale, "Locale", ["Gebietsschema", "Configuración regional", "Paramètres régionaux", "ロケール"]),
    (T::AttrMiddleName, "Middle name", ["Zweiter Vorname", "Segundo nombre", "Deuxième prénom", "ミドルネーム"]),
    (T::AttrName, "Name", ["Name", "Nombre completo", "Nom", "氏名"]),
    (T::AttrNickname, "Nickname", ["Spitzname", "Apodo", "Surnom", "ニックネーム"]),
    (T::AttrPicture, "Picture", ["Bild", "Imagen", "Photo", "画像"]),
    (T::AttrPreferredUsername, "Preferred username", ["Bevorzugter Benutzername", "Nombre de usuario preferido", "Nom d'utilisateur préféré", "希望するユーザー名"]),
    (T::AttrProfile, "Profile", ["Profil", "Perfil", "Profil", "プロフィール"]),
    (T::AttrWebsite, "Website", ["Website", "Sitio web", "Site web", "ウェブサイト"]),
    (T::AttrZoneinfo, "Time zone", ["Zeitzone", "Zona horaria", "Fuseau horaire", "タイムゾーン"]),
    (T::ConfirmTitle, "Confirm your account", ["Konto bestätigen", "Confirme su cuenta", "Confirmez votre compte", "アカウントの確認"]),
    (T::ConfirmIntro, "We sent a code to confirm the account {}.",
        ["Wir haben einen Code zur Bestätigung des Kontos {} gesendet.", "Hemos enviado un código para confirmar la cuenta {}.", "Nous avons envoyé un code pour confirmer le compte {}.", "アカウント {} を確認するためのコードを送信しました。"]),
    (T::ConfirmationCode, "Confirmation code", ["Bestätigungscode", "Código de confirmación", "Code de confirmation", "確認コード"]),
    (T::ConfirmAccount, "Confirm account", ["Konto bestätigen", "Confirmar cuenta", "Confirmer le compte", "アカウントを確認"]),
    (T::SendNewCode, "Send a new code", ["Neuen Code senden", "Enviar un código nuevo", "Envoyer un nouveau code", "新しいコードを送信"]),
    (T::NewCodeSent, "We sent a new code.", ["Wir haben einen neuen Code gesendet.", "Hemos enviado un código nuevo.", "Nous avons envoyé un nouveau code.", "新しいコードを送信しました。"]),
    (T::ForgotIntroUsername, "Enter your username and we will send you a code to reset your password.",
        ["Geben Sie Ihren Benutzernamen ein. Wir senden Ihnen einen Code zum Zurücksetzen Ihres Passworts.", "Introduzca su nombre de usuario y le enviaremos un código para restablecer su contraseña.", "Saisissez votre nom d'utilisateur et nous vous enverrons un code pour réinitialiser votre mot de passe.", "ユーザー名を入力すると、パスワードをリセットするためのコードが送信されます。"]),
    (T::ForgotIntroEmail, "Enter your email and we will send you a code to reset your password.",
        ["Geben Sie Ihre E-Mail-Adresse ein. Wir senden Ihnen einen Code zum Zurücksetzen Ihres Passworts.", "Introduzca su correo electrónico y le enviaremos un código para restablecer su contraseña.", "Saisissez votre adresse e-mail et nous vous enverrons un code pour réinitialiser votre mot de passe.", "メールアドレスを入力すると、パスワードをリセットするためのコードが送信されます。"]),
    (T::ForgotIntroPhone, "Enter your phone number and we will send you a code to reset your password.",
        ["Geben Sie Ihre Telefonnummer ein. Wir senden Ihnen einen Code zum Zurücksetzen Ihres Passworts.", "Introduzca su número de teléfono y le enviaremos un código para restablecer su contraseña.", "Saisissez votre numéro de téléphone et nous vous enverrons un code pour réinitialiser votre mot de passe.", "電話番号を入力すると、パスワードをリセットするためのコードが送信されます。"]),
    (T::ForgotIntroEmailOrPhone, "Enter your email or phone number and we will send you a code to reset your password.",
        ["Geben Sie Ihre E-Mail-Adresse oder Telefonnummer ein. Wir senden Ihnen einen Code zum Zurücksetzen Ihres Passworts.", "Introduzca su correo electrónico o número de teléfono y le enviaremos un código para restablecer su contraseña.", "Saisissez votre adresse e-mail ou votre numéro de téléphone et nous vous enverrons un code pour réinitialiser votre mot de passe.", "メールアドレスまたは電話番号を入力すると、パスワードをリセットするためのコードが送信されます。"]),
    (T::ResetMyPassword, "Reset my password", ["Passwort zurücksetzen", "Restablecer mi contraseña", "Réinitialiser mon mot de passe", "パスワードをリセット"]),
    (T::BackToSignIn, "Back to sign in", ["Zurück zur Anmeldung", "Volver a iniciar sesión", "Retour à la connexion", "サインインに戻る"]),
    (T::ResetTitle, "Reset your password", ["Passwort zurücksetzen", "Restablezca su contraseña", "Réinitialisez votre mot de passe", "パスワードのリセット"]),
    (T::ResetCodeSent, "We sent you a code. Enter it with your new password.",
        ["Wir haben Ihnen einen Code gesendet. Geben Sie ihn mit Ihrem neuen Passwort ein.", "Le hemos enviado un código. Introdúzcalo junto con su nueva contraseña.", "Nous vous avons envoyé un code. Saisissez-le avec votre nouveau mot de passe.", "コードを送信しました。新しいパスワードと一緒に入力してください。"]),
    (T::NewPasswordAgain, "Enter new password again", ["Neues Passwort wiederholen", "Vuelva a introducir la contraseña nueva", "Saisissez à nouveau le nouveau mot de passe", "新しいパスワードを再入力"]),
    (T::MsgIncorrect, "Incorrect username or password.", ["Falscher Benutzername oder falsches Passwort.", "Nombre de usuario o contraseña incorrectos.", "Nom d'utilisateur ou mot de passe incorrect.", "ユーザー名またはパスワードが正しくありません。"]),
    (T::MsgNoUser, "User does not exist.", ["Der Benutzer existiert nicht.", "El usuario no existe.", "L'utilisateur n'existe pas.", "ユーザーが存在しません。"]),
    (T::MsgAttempts, "Password attempts exceeded", ["Zu viele Versuche mit falschem Passwort", "Se superó el número de intentos de contraseña", "Nombre de tentatives de mot de passe dépassé", "パスワードの試行回数を超えました"]),
    (T::MsgDisabled, "User is disabled.", ["Der Benutzer ist deaktiviert.", "El usuario está deshabilitado.", "L'utilisateur est désactivé.", "ユーザーは無効になっています。"]),
    (T::MsgCodeMismatch, "Invalid verification code provided, please try again.",
        ["Ungültiger Bestätigungscode, bitte versuchen Sie es erneut.", "Código de verificación no válido, inténtelo de nuevo.", "Code de vérification non valide, veuillez réessayer.", "無効な確認コードです。もう一度お試しください。"]),
    (T::MsgCodeMismatchAuth, "Invalid code or auth state for the user.",
        ["Ungültiger Code oder Anmeldestatus für den Benutzer.", "Código o estado de autenticación no válido para el usuario.", "Code ou état d'authentification non valide pour l'utilisateur.", "ユーザーのコードまたは認証状態が無効です。"]),
    (T::MsgUserExists, "User already exists", ["Der Benutzer existiert bereits", "El usuario ya existe", "L'utilisateur existe déjà", "ユーザーは既に存在します"]),
    (T::MsgExpiredCode, "Invalid code provided, please request a code again.",
        ["Ungültiger Code, bitte fordern Sie einen neuen Code an.", "Código no válido, solicite un código nuevo.", "Code non valide, veuillez demander un nouveau code.", "無効なコードです。もう一度コードをリクエストしてください。"]),
    (T::IdpContinueWith, "Continue with {}", ["Weiter mit {}", "Continuar con {}", "Continuer avec {}", "{} で続行"]),
    (T::IdpCorporateEmail, "Corporate email", ["Geschäftliche E-Mail-Adresse", "Correo electrónico corporativo", "E-mail professionnel", "会社のメールアドレス"]),
    (T::IdpOr, "or", ["oder", "o", "ou", "または"]),
    (T::IdpIntro, "Sign in with your corporate or social account",
        ["Melden Sie sich mit Ihrem Unternehmens- oder Social-Media-Konto an", "Inicie sesión con su cuenta corporativa o social", "Connectez-vous avec votre compte professionnel ou social", "会社またはソーシャルアカウントでサインインしてください"]),
    (T::IdpNoneForDomain, "No identity provider signs in users of {}.",
        ["Kein Identitätsanbieter meldet Benutzer von {} an.", "Ningún proveedor de identidad inicia sesión de usuarios de {}.", "Aucun fournisseur d'identité ne connecte les utilisateurs de {}.", "{} のユーザーをサインインさせる ID プロバイダーはありません。"]),
];

/// The text `key` in `lang` (English where the language has no texts of its own).
pub fn text(lang: Lang, key: T) -> &'static str {
    let (_, en, others) = &CATALOG[key as usize];
    match lang.column() {
        Some(i) => others[i],
        None => en,
    }
}

/// `template` with its `{}` replaced by `value`.
pub fn fill(template: &str, value: &str) -> String {
    template.replacen("{}", value, 1)
}

/// The API messages the pages show, in `lang` when the catalog has them (others stay as the API
/// wrote them: English, as AWS's).
pub fn message(lang: Lang, api: &str) -> Cow<'_, str> {
    const KNOWN: [T; 8] = [
        T::MsgIncorrect,
        T::MsgNoUser,
        T::MsgAttempts,
        T::MsgDisabled,
        T::MsgCodeMismatch,
        T::MsgCodeMismatchAuth,
        T::MsgUserExists,
        T::MsgExpiredCode,
    ];
    match KNOWN.iter().find(|k| CATALOG[**k as usize].1 == api) {
        Some(k) => Cow::Borrowed(text(lang, *k)),
        None => Cow::Borrowed(api),
    }
}

/// The label of a standard attribute, `None` for others.
pub fn attribute(name: &str) -> Option<T> {
    Some(match name {
        "address" => T::AttrAddress,
        "birthdate" => T::AttrBirthdate,
        "email" => T::Email,
        "family_name" => T::AttrFamilyName,
        "gender" => T::AttrGender,
        "given_name" => T::AttrGivenName,
        "locale" => T::AttrLocale,
        "middle_name" => T::AttrMiddleName,
        "name" => T::AttrName,
        "nickname" => T::AttrNickname,
        "phone_number" => T::PhoneNumber,
        "picture" => T::AttrPicture,
        "preferred_username" => T::AttrPreferredUsername,
        "profile" => T::AttrProfile,
        "website" => T::AttrWebsite,
        "zoneinfo" => T::AttrZoneinfo,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_is_in_key_order_and_complete() {
        for (i, (key, en, others)) in CATALOG.iter().enumerate() {
            assert_eq!(*key as usize, i, "{key:?} is out of order");
            assert!(!en.is_empty(), "{key:?}");
            for t in others {
                assert!(!t.is_empty(), "{key:?} lacks a translation");
                assert_eq!(t.contains("{}"), en.contains("{}"), "{key:?}: placeholder");
            }
        }
        assert_eq!(CATALOG.last().unwrap().0, T::IdpNoneForDomain);
    }

    #[test]
    fn languages_are_awss_codes() {
        assert_eq!(Lang::parse("pt-BR"), Some(Lang::PtBr));
        assert_eq!(Lang::parse("pt-br"), None);
        assert_eq!(Lang::parse("nl"), None);
        assert_eq!(Lang::ZhTw.code(), "zh-TW");
        assert_eq!(text(Lang::De, T::SignIn), "Anmelden");
        assert_eq!(
            text(Lang::Ko, T::SignIn),
            "Sign in",
            "Korean falls back to English"
        );
        assert!(!Lang::It.translated() && Lang::Ja.translated());
        assert_eq!(
            fill(text(Lang::Fr, T::CodeSentTo), "a***@e***"),
            "Nous avons envoyé un code à a***@e***."
        );
        assert_eq!(
            message(Lang::Es, "User does not exist."),
            "El usuario no existe."
        );
        assert_eq!(message(Lang::Es, "Something else"), "Something else");
    }
}
