; AulaLocal installer for Windows (NSIS 3, Modern UI 2).
;
;   makensis -DVERSION=0.1.0 -DDIST=..\..\dist\aulalocal packaging\windows\aulalocal.nsi
;
; Defines (-D on the makensis command line):
;   VERSION   required, e.g. 0.1.0 (aulalocal --version)
;   DIST      the PyInstaller one-folder build (default: dist\aulalocal next to the repository root)
;   OUTFILE   the installer to write (default: dist\aulalocal-VERSION-windows-x64-setup.exe)
;   ICON      the .ico (default: resources\icons\aulalocal.ico)
; makensis works from this script's folder, so relative paths given with -D
; are relative to packaging\windows; give absolute paths to be safe.
;
; Installs for all users into "Program Files\AulaLocal" when run by an
; administrator (it asks), or for the current user only into
; "%LOCALAPPDATA%\Programs\AulaLocal" without administrator rights. Adds a
; start-menu entry, an optional desktop shortcut, and an uninstaller listed in
; "Apps & features" (Software\Microsoft\Windows\CurrentVersion\Uninstall\AulaLocal
; under HKLM or HKCU). The teacher's data folder (%LOCALAPPDATA%\AulaLocal) is
; never removed by the uninstaller.

Unicode true
SetCompressor /SOLID lzma
SetCompressorDictSize 32

!ifndef VERSION
  !error "VERSION is not defined: makensis -DVERSION=0.1.0 ..."
!endif
!ifndef DIST
  !define DIST "..\..\dist\aulalocal"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\aulalocal-${VERSION}-windows-x64-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\..\resources\icons\aulalocal.ico"
!endif
!ifndef VIVERSION
  !define VIVERSION "${VERSION}.0" ; four numbers for the version resource
!endif

!define APPNAME "AulaLocal"
!define EXE "aulalocal.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPNAME}"
!define SETTINGS_KEY "Software\${APPNAME}"

Name "${APPNAME}"
OutFile "${OUTFILE}"
BrandingText "${APPNAME} ${VERSION}"
ShowInstDetails nevershow
ShowUninstDetails nevershow

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey /LANG=0 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APPNAME} ${VERSION} setup"
VIAddVersionKey /LANG=0 "LegalCopyright" "GPL-3.0-or-later"
VIAddVersionKey /LANG=0 "CompanyName" "${APPNAME}"

; --- all users (Program Files, needs an administrator) or the current user only
!define MULTIUSER_EXECUTIONLEVEL Highest
!define MULTIUSER_MUI
!define MULTIUSER_INSTALLMODE_COMMANDLINE
!define MULTIUSER_USE_PROGRAMFILES64
!define MULTIUSER_INSTALLMODE_INSTDIR "${APPNAME}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_KEY "${SETTINGS_KEY}"
!define MULTIUSER_INSTALLMODE_INSTDIR_REGISTRY_VALUENAME "InstallLocation"
!include MultiUser.nsh
!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh
!include x64.nsh
!include WinVer.nsh

; --- pages
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_LANGDLL_REGISTRY_ROOT SHCTX
!define MUI_LANGDLL_REGISTRY_KEY "${SETTINGS_KEY}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MULTIUSER_PAGE_INSTALLMODE
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; Spanish first: the default when Windows' language is neither.
!insertmacro MUI_LANGUAGE "Spanish"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString SecProgram ${LANG_SPANISH} "AulaLocal (programa y catálogo)"
LangString SecProgram ${LANG_ENGLISH} "AulaLocal (program and catalog)"
LangString SecProgramDesc ${LANG_SPANISH} "El programa, el catálogo incluido y una entrada en el menú Inicio."
LangString SecProgramDesc ${LANG_ENGLISH} "The program, the catalog that ships with it and a Start menu entry."
LangString SecDesktop ${LANG_SPANISH} "Acceso directo en el escritorio"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecDesktopDesc ${LANG_SPANISH} "Un ícono de AulaLocal en el escritorio."
LangString SecDesktopDesc ${LANG_ENGLISH} "An AulaLocal icon on the desktop."
LangString ShortcutDesc ${LANG_SPANISH} "Catálogo sin internet para escuelas rurales"
LangString ShortcutDesc ${LANG_ENGLISH} "Offline catalog for rural schools"
LangString NeedsX64 ${LANG_SPANISH} "AulaLocal necesita Windows de 64 bits."
LangString NeedsX64 ${LANG_ENGLISH} "AulaLocal needs 64-bit Windows."
LangString NeedsWin10 ${LANG_SPANISH} "AulaLocal necesita Windows 10 (versión 1903) o más nuevo."
LangString NeedsWin10 ${LANG_ENGLISH} "AulaLocal needs Windows 10 (version 1903) or newer."

; --- install

Section "!$(SecProgram)" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; An update replaces the previous program files completely (never the data folder).
  RMDir /r "$INSTDIR\_internal"
  File /r "${DIST}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "$(ShortcutDesc)"

  WriteRegStr SHCTX "${SETTINGS_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayName" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "Publisher" "${APPNAME}"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "DisplayIcon" "$\"$INSTDIR\${EXE}$\",0"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "UninstallString" "$\"$INSTDIR\uninstall.exe$\" /$MultiUser.InstallMode"
  WriteRegStr SHCTX "${UNINSTALL_KEY}" "QuietUninstallString" "$\"$INSTDIR\uninstall.exe$\" /$MultiUser.InstallMode /S"
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD SHCTX "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "$(SecDesktop)" SecDesktop
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "$(ShortcutDesc)"
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecProgram} $(SecProgramDesc)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} $(SecDesktopDesc)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  !insertmacro MUI_LANGDLL_DISPLAY
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(NeedsX64)" /SD IDOK
    Abort
  ${EndIf}
  ; Qt 6.10 and later use Windows' own ICU (icu.dll), there since Windows 10 1903 (build 18362).
  ${IfNot} ${AtLeastBuild} 18362
    MessageBox MB_ICONSTOP "$(NeedsWin10)" /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MULTIUSER_INIT
FunctionEnd

; --- uninstall (the teacher's data folder stays)

Section "Uninstall"
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\aulalocal-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR" ; only if empty: never remove files this installer did not put there
  DeleteRegKey SHCTX "${UNINSTALL_KEY}"
  DeleteRegKey SHCTX "${SETTINGS_KEY}"
SectionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MULTIUSER_UNINIT
  !insertmacro MUI_UNGETLANGUAGE
FunctionEnd
