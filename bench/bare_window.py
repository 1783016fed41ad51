"""The reference for start-up time: a bare PySide6 window, nothing else."""

import sys

from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.setWindowTitle("Bare PySide6 window")
window.resize(1024, 600)
window.show()
sys.exit(app.exec())
