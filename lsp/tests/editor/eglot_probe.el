;;; eglot_probe.el --- headless Eglot probe for crescent-lsp  -*- lexical-binding: t -*-
;; Usage: PROBE_CMD="/path/to/crescent-lsp --stdio" PROBE_LINE=7 PROBE_COL=8 \
;;          emacs --batch -Q -l eglot_probe.el FILE.lua
;; PROBE_LINE is 1-based (Emacs lines), PROBE_COL 0-based. Prints one line per finding:
;;   diagnostic LINE TYPE MESSAGE / completion LABEL / shutdown ok|error ... / server STATUS CODE
;; Exits 0 when every step ran (the caller judges the findings), 1 otherwise.
(require 'package)
(package-initialize)                     ; Debian's elpa-eglot
(require 'eglot)
(require 'flymake)

(define-derived-mode lua-mode prog-mode "Lua")  ; Emacs 28 has no Lua mode built in
(add-to-list 'auto-mode-alist '("\\.lua\\'" . lua-mode))
(add-to-list 'eglot-server-programs
             `(lua-mode . ,(split-string (or (getenv "PROBE_CMD") "") " " t)))
(setq eglot-sync-connect t eglot-connect-timeout 30 eglot-autoshutdown nil
      eglot-events-buffer-size 0)

(defun probe-out (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))

(let* ((file (car command-line-args-left))
       (timeout 20.0))
  (setq command-line-args-left nil)
  (find-file file)
  (eglot-ensure)
  ;; eglot-ensure defers the connection to post-command-hook; in batch mode run it by hand.
  (run-hooks 'post-command-hook)
  (let* ((server (eglot-current-server))
         (process (and server (jsonrpc--process server))))
    (unless server (probe-out "error no server") (kill-emacs 1))
    ;; 1. Diagnostics through flymake.
    (flymake-start)
    (let ((deadline (+ (float-time) timeout)))
      (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
        (accept-process-output nil 0.05)))
    (dolist (d (flymake-diagnostics))
      (probe-out "diagnostic %d %s %s"
                 (line-number-at-pos (flymake-diagnostic-beg d))
                 (flymake-diagnostic-type d)
                 (replace-regexp-in-string "\n" " " (flymake-diagnostic-text d))))
    ;; 2. Completion at the requested position.
    (goto-char (point-min))
    (forward-line (1- (string-to-number (or (getenv "PROBE_LINE") "1"))))
    (forward-char (string-to-number (or (getenv "PROBE_COL") "0")))
    (let* ((resp (jsonrpc-request server :textDocument/completion
                                  (eglot--TextDocumentPositionParams)))
           (items (if (vectorp resp) resp (plist-get resp :items))))
      (mapc (lambda (it) (probe-out "completion %s" (plist-get it :label))) items))
    ;; 3. Shutdown: Eglot sends `shutdown` with "params": null, then `exit`, and kills the
    ;; process if it has not ended by itself shortly after.
    (condition-case err
        (progn (eglot-shutdown server) (probe-out "shutdown ok"))
      (error (probe-out "shutdown error %S" err)))
    (let ((deadline (+ (float-time) 5)))
      (while (and (process-live-p process) (< (float-time) deadline))
        (accept-process-output nil 0.05)))
    (probe-out "server %s %s" (process-status process) (process-exit-status process))
    (kill-emacs 0)))
